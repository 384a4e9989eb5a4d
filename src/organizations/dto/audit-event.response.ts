import { ApiProperty } from '@nestjs/swagger';
import { AuditEvent } from '../audit-event.entity';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  occurredAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  principalId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The API key the principal acted with (null for system actions and events recorded before keys were)',
  })
  apiKeyId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId!: string | null;

  @ApiProperty({ example: 'organization.create' })
  action!: string;

  @ApiProperty({ example: 'organization' })
  resourceType!: string;

  @ApiProperty({
    example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a',
    description: 'Usually a uuid; the resource type decides',
  })
  resourceId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  resourceOrganizationId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '7f1c2a9e-0b7d-4a51-9f3e-2c1d0e9b8a76',
    description: "The server's id of the request (its response's X-Request-Id); never the caller's",
  })
  requestId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'checkout-7741.retry-2',
    description:
      "The caller's own id for the request (X-Correlation-Id, or the X-Request-Id it sent), when valid: `[A-Za-z0-9._:-]{1,128}`",
  })
  correlationId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { kind: 'publisher' },
    description: 'What the action changed; its members depend on the action',
  })
  details!: Record<string, unknown>;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    principalId: event.principalId,
    apiKeyId: event.apiKeyId,
    organizationId: event.organizationId,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    resourceOrganizationId: event.resourceOrganizationId,
    requestId: event.requestId,
    correlationId: event.correlationId,
    details: event.details,
  };
}
