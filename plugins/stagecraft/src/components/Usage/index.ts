export { EnvironmentUsageCard, UsageDetails } from './EnvironmentUsageCard';
export { UsageBar } from './UsageBar';
