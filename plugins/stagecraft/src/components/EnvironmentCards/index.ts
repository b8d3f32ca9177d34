export { EnvironmentWorkloadsCard } from './EnvironmentWorkloadsCard';
export { EnvironmentResourcesCard } from './EnvironmentResourcesCard';
