import { Controller, Delete, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyRole, CurrentPrincipal } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { ApiKeyService } from './api-key.service';
import { ApiKeyResponse } from './dto/api-key.response';

@ApiTags('organizations')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @Delete(':id')
  @AnyRole()
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Admins revoke any key; every other role only its own principal’s keys (a colleague’s key: 403, ask the colleague or an admin; another organization’s: 404). Revoking again answers the same. The last active admin key cannot be revoked (409).',
  })
  @ApiOk(ApiKeyResponse, { problems: [401, 403, 404, 409, 429] })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(principal, id);
  }
}
