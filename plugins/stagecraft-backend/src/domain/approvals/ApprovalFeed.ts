import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor, ApprovalStore, Authorizer } from '../ports';

type Listener = (request: ApprovalRequest) => void;

/**
 * Approval requests as they change, in this process: every write of a
 * request (opened by the gate; approved, rejected, withdrawn, executed,
 * failed or expired by the approval service) is heard by the open
 * Deployments streams (`event: approval`) of the component it is about.
 */
export class ApprovalFeed {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly deps: { authorizer: Authorizer }) {}

  /** The store, telling the feed of every request it writes. */
  publishing<S extends ApprovalStore>(store: S): S {
    const listeners = this.listeners;
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'putApproval') {
          return async (request: ApprovalRequest) => {
            await target.putApproval(request);
            for (const l of listeners) l(request);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /**
   * Requests about `component` the actor may see (deployment.read on their
   * environment), as they change; returns the unsubscribe.
   */
  watch(actor: Actor, component: string, listener: Listener): () => void {
    const heard: Listener = request => {
      if (request.component !== component) return;
      this.deps.authorizer
        .authorize(actor, 'deployment.read', [request.environment])
        .then(([allowed]) => allowed && listener(request))
        .catch(() => undefined);
    };
    this.listeners.add(heard);
    return () => void this.listeners.delete(heard);
  }
}
