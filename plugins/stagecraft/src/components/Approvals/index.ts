export { EnvironmentApprovalsCard } from './EnvironmentApprovalsCard';
export { PendingApproval, DecisionDialog } from './PendingApproval';
export { DecisionOutcome } from './DecisionOutcome';
export { useApprovals } from './useApprovals';
