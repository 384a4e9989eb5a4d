import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { ApiCreated, ApiOk } from '../common/openapi/answers';
import { CreatePayeeHoldDto, PayeeHoldResponse } from './dto/payee-hold.dto';
import { PayeeHoldsService } from './payee-holds.service';

@ApiTags('payouts')
@Roles('finance', 'publisher')
@Controller('v1/payees/:id')
export class PayeeHoldsController {
  constructor(private readonly holds: PayeeHoldsService) {}

  @Post('hold')
  @ApiOperation({
    summary: "Hold a payee's payouts (left out of runs; unsent items cancelled)",
    description:
      "Finance holds any payee; a publisher its own (another publisher's payee is 404). The hold records who placed it (`heldByRole`).",
  })
  @ApiCreated(PayeeHoldResponse, { problems: [400, 401, 403, 404, 409, 429] })
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
  @ApiOperation({
    summary: "Release a payee's hold",
    description:
      'Finance releases any hold; a publisher releases holds on its own payees that a publisher placed — a hold finance placed answers 409 `payee-hold-placed-by-finance`.',
  })
  @ApiOk(PayeeHoldResponse, { problems: [401, 403, 404, 409, 429] })
  release(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayeeHoldResponse> {
    return this.holds.release(principal, id);
  }
}
