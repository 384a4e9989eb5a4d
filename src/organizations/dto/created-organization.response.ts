import { ApiProperty } from '@nestjs/swagger';
import { IssuedApiKeyResponse } from './api-key.response';
import { OrganizationResponse } from './organization.response';

export class CreatedOrganizationResponse {
  @ApiProperty({ type: OrganizationResponse })
  organization!: OrganizationResponse;

  @ApiProperty({ type: IssuedApiKeyResponse })
  apiKey!: IssuedApiKeyResponse;
}
