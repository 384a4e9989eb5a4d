import { EntityManager } from 'typeorm';

/** The audit trail's one write: audit_events (this module's), append-only. */

type Runner = Pick<EntityManager, 'query'>;

export interface NewAuditEvent {
  id: string;
  principalId: string | null;
  apiKeyId: string | null;
  organizationId: string | null;
  action: string;
  resourceType: string;
  resourceId: string;
  resourceOrganizationId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  correlationId: string | null;
}

/** Stamped with the transaction's time (`now()`). */
export async function insertAuditEvent(db: Runner, event: NewAuditEvent): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (id, occurred_at, principal_id, api_key_id, organization_id, action,
                                 resource_type, resource_id, resource_organization_id, request_id,
                                 details, correlation_id)
       VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      event.id,
      event.principalId,
      event.apiKeyId,
      event.organizationId,
      event.action,
      event.resourceType,
      event.resourceId,
      event.resourceOrganizationId,
      event.requestId,
      JSON.stringify(event.details),
      event.correlationId,
    ],
  );
}
