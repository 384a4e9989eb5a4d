import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems';
import { CreatePayeeHoldDto, PayeeHoldResponse } from './dto/payee-hold.dto';
import { PayeeHoldsService } from './payee-holds.service';

@ApiTags('payouts')
@Roles('finance')
@Controller('v1/payees/:id')
export class PayeeHoldsController {
  constructor(private readonly holds: PayeeHoldsService) {}

  @Post('hold')
  @ApiOperation({ summary: "Hold a payee's payouts (left out of runs; unsent items cancelled)" })
  @ApiCreatedResponse({ type: PayeeHoldResponse })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  hold(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreatePayeeHoldDto,
  ): Promise<PayeeHoldResponse> {
    return this.holds.hold(principal, id, dto);
  }

  @Post('release')
  @FailClosed()
  @HttpCode(200)
  @ApiOperation({ summary: "Release a payee's hold" })
  @ApiOkResponse({ type: PayeeHoldResponse })
  @ApiProblems(401, 403, 404, 409, 429)
  release(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayeeHoldResponse> {
    return this.holds.release(principal, id);
  }
}
