import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One state change, written in the transaction that made it; the table refuses UPDATE and DELETE. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('timestamptz')
  occurredAt!: Date;

  /** The acting principal; null for system actions (bootstrap). */
  @Column('uuid', { nullable: true })
  principalId!: string | null;

  /** The key the principal acted with; null for system actions and events before it was kept. */
  @Column('uuid', { nullable: true })
  apiKeyId!: string | null;

  /** The acting principal's organization. */
  @Column('uuid', { nullable: true })
  organizationId!: string | null;

  @Column('text')
  action!: string;

  @Column('text')
  resourceType!: string;

  @Column('text')
  resourceId!: string;

  /** The organization that owns the changed resource, so each side can be shown its own trail. */
  @Column('uuid', { nullable: true })
  resourceOrganizationId!: string | null;

  /** The server's id of the request that made the change (X-Request-Id of its response). */
  @Column('text', { nullable: true })
  requestId!: string | null;

  /** The caller's own id for that request (X-Correlation-Id), when it sent a valid one. */
  @Column('text', { nullable: true })
  correlationId!: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details!: Record<string, unknown>;
}
