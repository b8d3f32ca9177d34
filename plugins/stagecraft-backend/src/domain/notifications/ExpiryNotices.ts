import type { Clock, EnvironmentStore, Notifier } from '../ports';
import { expiringSoon } from './notices';

/** How long before its deletion an owner hears about it. */
export const EXPIRY_WARNING_MS = 24 * 3_600_000;

/**
 * Tells an environment's owner it expires within 24 h (with the link to
 * extend it), once per expiry time: extending it moves the time, and a new
 * warning comes when the new time is near. Run by the reaper's task.
 */
export class ExpiryNotices {
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      environments: EnvironmentStore;
      notifier: Notifier;
      clock: Clock;
    },
  ) {}

  /** Warns the owners of environments expiring soon; returns their names. */
  async warn(): Promise<string[]> {
    const now = this.deps.clock.now();
    const soon = (await this.deps.environments.listEnvironments()).filter(e => {
      const at = e.expiresAt ? Date.parse(e.expiresAt) : NaN;
      return (
        e.phase !== 'Deleting' &&
        at > now.getTime() &&
        at - now.getTime() <= EXPIRY_WARNING_MS &&
        !this.warned.has(`${e.name}@${e.expiresAt}`)
      );
    });
    for (const env of soon) {
      this.warned.add(`${env.name}@${env.expiresAt}`);
      await this.deps.notifier.notify(expiringSoon(env, now));
    }
    return soon.map(e => e.name);
  }
}
