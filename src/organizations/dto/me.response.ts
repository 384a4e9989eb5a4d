import { ApiProperty } from '@nestjs/swagger';
import { OrganizationResponse } from './organization.response';
import { PrincipalResponse } from './principal.response';

export class MeApiKey {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'rlk_Q3xk9Tb0' })
  prefix!: string;
}

export class MeResponse {
  @ApiProperty({ type: PrincipalResponse })
  principal!: PrincipalResponse;

  @ApiProperty({ type: OrganizationResponse })
  organization!: OrganizationResponse;

  @ApiProperty({ type: MeApiKey })
  apiKey!: MeApiKey;
}
