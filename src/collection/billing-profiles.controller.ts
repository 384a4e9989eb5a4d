import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { BillingProfileService } from './billing-profile.service';
import {
  AttachPaymentMethodDto,
  BillingProfileResponse,
  PutBillingProfileDto,
} from './dto/billing-profile.dto';

@ApiTags('collection')
@Controller('v1')
export class BillingProfilesController {
  constructor(private readonly profiles: BillingProfileService) {}

  @Get('billing-profile')
  @Roles('licensee')
  @ApiOperation({
    summary: 'The licensee’s billing profile: who invoices are addressed to and how it pays',
  })
  @ApiOk(BillingProfileResponse, { problems: [401, 403, 429] })
  own(@CurrentPrincipal() principal: Principal): Promise<BillingProfileResponse> {
    return this.profiles.get(principal, principal.organizationId);
  }

  @Put('billing-profile')
  @Roles('licensee')
  @ApiOperation({
    summary: 'Set the billing profile (Stripe’s customer is made or updated with it)',
    description:
      'Saved, then sent to Stripe; when Stripe cannot be reached the edit stands and syncedWithStripe is false until the next invoice sends it.',
  })
  @ApiOk(BillingProfileResponse, { problems: [400, 401, 403, 409, 429] })
  putOwn(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PutBillingProfileDto,
  ): Promise<BillingProfileResponse> {
    return this.profiles.put(principal, principal.organizationId, dto);
  }

  @Post('billing-profile/payment-method')
  @Roles('licensee')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put a payment method on file (card, SEPA or ACH debit) for automatic collection',
  })
  @ApiOk(BillingProfileResponse, { problems: [400, 401, 403, 422, 429, 503] })
  attach(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: AttachPaymentMethodDto,
  ): Promise<BillingProfileResponse> {
    return this.profiles.attachPaymentMethod(principal, dto);
  }

  @Delete('billing-profile/payment-method')
  @Roles('licensee')
  @ApiOperation({
    summary: 'Take the payment method off file (automatic collection falls back to invoice)',
  })
  @ApiOk(BillingProfileResponse, { problems: [401, 403, 422, 429, 503] })
  detach(@CurrentPrincipal() principal: Principal): Promise<BillingProfileResponse> {
    return this.profiles.detachPaymentMethod(principal);
  }

  @Get('billing-profiles/:licenseeId')
  @Roles('finance')
  @ApiOperation({ summary: 'A licensee’s billing profile' })
  @ApiOk(BillingProfileResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('licenseeId') licenseeId: string,
  ): Promise<BillingProfileResponse> {
    return this.profiles.get(principal, licenseeId);
  }

  @Put('billing-profiles/:licenseeId')
  @Roles('finance')
  @ApiOperation({ summary: 'Set a licensee’s billing profile on its behalf (audited)' })
  @ApiOk(BillingProfileResponse, { problems: [400, 401, 403, 404, 409, 429] })
  put(
    @CurrentPrincipal() principal: Principal,
    @Param('licenseeId') licenseeId: string,
    @Body() dto: PutBillingProfileDto,
  ): Promise<BillingProfileResponse> {
    return this.profiles.put(principal, licenseeId, dto);
  }
}
