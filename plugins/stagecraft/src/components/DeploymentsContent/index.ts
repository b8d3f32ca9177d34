export { DeploymentsContent, NoWorkloadEmptyState } from './DeploymentsContent';
