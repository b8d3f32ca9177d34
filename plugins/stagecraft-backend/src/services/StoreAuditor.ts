import type { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { AuditEvent, Auditor, Clock } from '../domain/ports';
import type { DatabaseStore } from '../store/DatabaseStore';

/**
 * Records each change twice: a row in Stagecraft's audit table (queryable per
 * environment) and an event of Backstage's auditor service (for the
 * organisation's audit pipeline). Details never carry secret values.
 */
export class StoreAuditor implements Auditor {
  constructor(
    private readonly store: DatabaseStore,
    private readonly auditor: AuditorService,
    private readonly clock: Clock,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await this.store.appendAudit(event, this.clock.now());
    const meta: JsonObject = {
      actor: event.actor,
      action: event.action,
      targetKind: event.targetKind,
      target: event.target,
      ...(event.details && { details: event.details as JsonObject }),
    };
    const auditEvent = await this.auditor.createEvent({
      eventId: event.action.replace('.', '-'),
      severityLevel: event.action.endsWith('read') ? 'low' : 'medium',
      meta,
    });
    if (event.outcome === 'succeeded') {
      await auditEvent.success();
    } else {
      await auditEvent.fail({ error: new Error(event.error ?? 'failed') });
    }
  }
}
