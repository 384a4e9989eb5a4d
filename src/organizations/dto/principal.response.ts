import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/auth/principal';

export class PrincipalResponse {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8b' })
  id!: string;

  @ApiProperty({ example: 'Catalogue integration' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'publisher' })
  role!: Role;

  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a' })
  organizationId!: string;
}

export function toPrincipalResponse(principal: {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
}): PrincipalResponse {
  return {
    id: principal.id,
    name: principal.name,
    role: principal.role,
    organizationId: principal.organizationId,
  };
}
