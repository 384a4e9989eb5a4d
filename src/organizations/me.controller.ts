import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyRole, CurrentPrincipal } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { MeResponse } from './dto/me.response';
import { OrganizationService } from './organization.service';

@ApiTags('organizations')
@Controller('v1/me')
export class MeController {
  constructor(private readonly organizations: OrganizationService) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Who this API key belongs to' })
  @ApiOk(MeResponse, { problems: [401, 429] })
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return this.organizations.me(principal);
  }
}
