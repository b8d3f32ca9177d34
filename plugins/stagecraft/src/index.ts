/**
 * Stagecraft frontend: environments and deployments where teams already look.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
export { stagecraftApiRef, StagecraftClient } from './api/StagecraftApi';
export type { StagecraftApi } from './api/StagecraftApi';
export { EnvironmentOverviewCard } from './components/EnvironmentOverviewCard';
