import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { newId } from '../common/ids';
import { Page, paginate } from '../common/pagination/page';
import { AuditEvent } from './audit-event.entity';
import { insertAuditEvent } from './audit-event.queries';
import { AuditEventResponse, toAuditEventResponse } from './dto/audit-event.response';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

export interface AuditEntry {
  /** `<resource>.<verb>`, e.g. `api-key.revoke`. */
  action: string;
  /** The resource's type when the action's own `<resource>` is not it (an advance recorded on its payee). */
  resourceType?: string;
  resourceId: string;
  resourceOrganizationId: string | null;
  /** Facts worth keeping about the change; never secrets. */
  details?: Record<string, unknown>;
}

/**
 * The audit trail. `record` takes the caller's transaction manager on purpose: the event
 * commits with the change or not at all.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, actor: Principal | null, entry: AuditEntry): Promise<void> {
    await insertAuditEvent(manager, {
      id: newId(),
      principalId: actor?.id ?? null,
      apiKeyId: actor?.apiKeyId ?? null,
      organizationId: actor?.organizationId ?? null,
      action: entry.action,
      resourceType: entry.resourceType ?? entry.action.split('.')[0],
      resourceId: entry.resourceId,
      resourceOrganizationId: entry.resourceOrganizationId,
      requestId: actor?.requestId || null,
      details: entry.details ?? {},
      correlationId: actor?.correlationId ?? null,
    });
  }

  /** Newest first. */
  list(query: ListAuditEventsQuery): Promise<Page<AuditEventResponse>> {
    const events = this.events.createQueryBuilder('event').where('1 = 1');
    if (query.organizationId) {
      events.andWhere(
        '(event.organization_id = :organizationId OR event.resource_organization_id = :organizationId)',
        { organizationId: query.organizationId },
      );
    }
    if (query.principalId) events.andWhere('event.principal_id = :principalId', query);
    if (query.apiKeyId) events.andWhere('event.api_key_id = :apiKeyId', query);
    if (query.action) events.andWhere('event.action = :action', query);
    if (query.resourceType) events.andWhere('event.resource_type = :resourceType', query);
    if (query.resourceId) events.andWhere('event.resource_id = :resourceId', query);
    if (query.from) events.andWhere('event.occurred_at >= :from', query);
    if (query.to) events.andWhere('event.occurred_at < :to', query);
    return paginate(events, query, toAuditEventResponse, 'DESC');
  }
}
