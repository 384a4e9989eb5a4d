import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiCreated, ApiOk } from '../common/openapi/answers';
import { CreateStripeAccountLinkDto, StripeAccountResponse } from './dto/stripe-account.dto';
import { StripeAccountsService } from './stripe-accounts.service';

@ApiTags('payouts')
@Controller('v1/payees/:id/stripe-account')
export class StripeAccountsController {
  constructor(private readonly accounts: StripeAccountsService) {}

  @Post()
  @Roles('publisher')
  @ApiOperation({
    summary:
      'Onboard a payee to Stripe: its Express account (made once) and a fresh onboarding link',
  })
  @ApiCreated(StripeAccountResponse, { problems: [400, 401, 403, 404, 429, 503] })
  onboard(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreateStripeAccountLinkDto,
  ): Promise<StripeAccountResponse> {
    return this.accounts.onboard(principal, id, dto);
  }

  @Get()
  @Roles('publisher', 'finance')
  @ApiOperation({ summary: "A payee's Stripe account and whether it can receive payouts" })
  @ApiOk(StripeAccountResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<StripeAccountResponse> {
    return this.accounts.get(principal, id);
  }
}
