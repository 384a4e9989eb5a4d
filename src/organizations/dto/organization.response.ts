import { ApiProperty } from '@nestjs/swagger';
import { ORGANIZATION_KINDS, type OrganizationKind } from '../../common/auth/principal';
import { Organization } from '../organization.entity';

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a' })
  id!: string;

  @ApiProperty({ example: 'Northwind Press' })
  name!: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS, example: 'publisher' })
  kind!: OrganizationKind;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  createdAt!: string;
}

export function toOrganizationResponse(organization: Organization): OrganizationResponse {
  return {
    id: organization.id,
    name: organization.name,
    kind: organization.kind,
    createdAt: organization.createdAt.toISOString(),
  };
}
