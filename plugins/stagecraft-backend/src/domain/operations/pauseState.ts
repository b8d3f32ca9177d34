import type { DeploymentRevision } from '@stagecraft/backstage-plugin-stagecraft-common';

/** Tiers whose environments may be paused (scaled to zero) and resumed. */
export const PAUSABLE_TIERS = ['preview', 'development'];

/** A component is paused while its current revision is a pause (0 replicas). */
export const isPaused = (r: Pick<DeploymentRevision, 'action'>) =>
  r.action === 'pause';

/**
 * Whether an environment can be paused or resumed, from the current
 * revisions of its components (removed ones left out): pause needs a running
 * component, resume a paused one. One rule for the use cases and the
 * actions answer, so the UI never offers what the API refuses.
 */
export function pauseState(live: DeploymentRevision[]) {
  const running = live.filter(r => (r.replicas ?? 1) > 0);
  const paused = live.filter(isPaused);
  return {
    running,
    paused,
    /** Everything is paused: pausing again is refused (409). */
    alreadyPaused: running.length === 0 && paused.length > 0,
    /** Nothing is paused: resuming is refused (409). */
    notPaused: paused.length === 0,
  };
}
