import { ApiProperty } from '@nestjs/swagger';
import { ApiKey } from '../api-key.entity';
import { PrincipalResponse } from './principal.response';

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8c' })
  id!: string;

  @ApiProperty({
    example: 'rlk_Q3xk9Tb0',
    description:
      'The first characters of a generated key, to recognise it; `rlk:operator` for a key the operator chose (BOOTSTRAP_ADMIN_KEY), of which nothing is shown',
  })
  prefix!: string;

  @ApiProperty({ format: 'uuid' })
  principalId!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'Recorded to the minute',
  })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  revokedAt!: string | null;
}

export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({
    example: 'rlk_Q3xk9Tb0mJ0d7wqA4u2Zc1hYpE6sN8vLrKfXgTiBo5',
    description: 'The secret key. Shown only in this response; store it now.',
  })
  key!: string;

  @ApiProperty({ type: PrincipalResponse })
  principal!: PrincipalResponse;
}

export function toApiKeyResponse(apiKey: ApiKey): ApiKeyResponse {
  return {
    id: apiKey.id,
    prefix: apiKey.prefix,
    principalId: apiKey.principalId,
    organizationId: apiKey.organizationId,
    createdAt: apiKey.createdAt.toISOString(),
    lastUsedAt: apiKey.lastUsedAt?.toISOString() ?? null,
    revokedAt: apiKey.revokedAt?.toISOString() ?? null,
  };
}
