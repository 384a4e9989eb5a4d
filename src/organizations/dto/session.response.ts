import { ApiProperty } from '@nestjs/swagger';
import {
  ORGANIZATION_KINDS,
  ROLES,
  type OrganizationKind,
  type Role,
} from '../../common/auth/principal';
import { csrfTokenFor } from '../../common/auth/session-cookie';
import type { SessionViewRow } from '../session-queries';

export class SessionPrincipal {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8b' })
  id!: string;

  @ApiProperty({ example: 'Dana Whitfield' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'publisher' })
  role!: Role;
}

export class SessionOrganization {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a' })
  id!: string;

  @ApiProperty({ example: 'Northwind Press' })
  name!: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS, example: 'publisher' })
  kind!: OrganizationKind;
}

export class SessionResponse {
  @ApiProperty({ format: 'uuid', example: '019abc3f-0c2e-7d41-8b3a-6e5f4d3c2b1a' })
  id!: string;

  @ApiProperty({ type: SessionPrincipal })
  principal!: SessionPrincipal;

  @ApiProperty({ type: SessionOrganization })
  organization!: SessionOrganization;

  @ApiProperty({
    example: 'p3Zq0m4V8bXc1sN7kL2rT9yW5uE6iO0aHgFdJ3vK8xQ',
    description:
      'Send it as the X-CSRF-Token header with every change (any method but GET, HEAD, OPTIONS) made with the session cookie; derived from the cookie, so it is the same for the whole session.',
  })
  csrfToken!: string;

  @ApiProperty({
    type: 'integer',
    example: 43200,
    description: 'The session ends after this many seconds without a request',
  })
  idleTimeoutSeconds!: number;

  @ApiProperty({
    format: 'date-time',
    example: '2026-12-02T17:00:00.000Z',
    description: 'The session ends at this time at the latest, however active',
  })
  expiresAt!: string;
}

export function toSessionResponse(
  row: SessionViewRow,
  token: string,
  idleTimeoutSeconds: number,
): SessionResponse {
  return {
    id: row.id,
    principal: { id: row.principal_id, name: row.principal_name, role: row.role },
    organization: {
      id: row.organization_id,
      name: row.organization_name,
      kind: row.organization_kind,
    },
    csrfToken: csrfTokenFor(token),
    idleTimeoutSeconds,
    expiresAt: row.expires_at.toISOString(),
  };
}
