import type { ProtectionPolicy } from '../approvals/ApprovalService';
import { windowState } from '../policy/windows';
import type {
  ApprovalStore,
  Clock,
  EnvironmentRecord,
  EnvironmentStore,
  Notifier,
} from '../ports';
import { windowOpened } from './notices';

/**
 * An approved change that waited for its deployment window (the approval
 * came while the window was closed): when the window opens, the requester
 * and its approvers hear that one more approval runs it. Once per request
 * and backend process. Run by the reaper's task, like the expiry warnings.
 */
export class WindowNotices {
  private readonly told = new Set<string>();

  constructor(
    private readonly deps: {
      approvals: ApprovalStore;
      environments: EnvironmentStore;
      policyFor(env: EnvironmentRecord): ProtectionPolicy;
      notifier: Notifier;
      clock: Clock;
    },
  ) {}

  /** Tells about the requests whose window is open now; returns their ids. */
  async tell(): Promise<string[]> {
    const now = this.deps.clock.now();
    const waiting = (
      await this.deps.approvals.listApprovals({ state: 'pending' })
    ).filter(r => r.approvals.length >= r.required && !this.told.has(r.id));
    const told: string[] = [];
    for (const request of waiting) {
      const env = await this.deps.environments.getEnvironment(
        request.environment,
      );
      if (!env || !windowState(this.deps.policyFor(env).windows, now).open)
        continue;
      this.told.add(request.id);
      told.push(request.id);
      await this.deps.notifier.notify(windowOpened(request));
    }
    return told;
  }
}
