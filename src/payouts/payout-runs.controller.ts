import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page, PageQuery } from '../common/pagination/page';
import {
  CreatePayoutRunDto,
  ListPayoutItemsQuery,
  ListPayoutRunsQuery,
  PayoutExclusionResponse,
  PayoutItemResponse,
  PayoutRunResponse,
  PayoutRunSummaryResponse,
} from './dto/payout-run.dto';
import { PayoutRunsService } from './payout-runs.service';

@ApiTags('payouts')
@Roles('finance')
@Controller('v1/payout-runs')
export class PayoutRunsController {
  constructor(private readonly runs: PayoutRunsService) {}

  @Post()
  @ApiOperation({
    summary: 'Draft a payout run: who would be paid, and who is left out and why',
  })
  @ApiCreated(PayoutRunResponse, { idempotencyKey: true, problems: [400, 401, 403, 404, 409, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreatePayoutRunDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<PayoutRunResponse> {
    return this.runs.create(principal, dto, idempotency);
  }

  @Get()
  @ApiOperation({ summary: 'Payout runs with their totals, oldest first; by status and currency' })
  @ApiPage(PayoutRunSummaryResponse, { problems: [400, 401, 403, 429] })
  list(@Query() query: ListPayoutRunsQuery): Promise<Page<PayoutRunSummaryResponse>> {
    return this.runs.list(query);
  }

  @Get(':id/items')
  @ApiOperation({ summary: "A payout run's items a page at a time, by state" })
  @ApiPage(PayoutItemResponse, { problems: [400, 401, 403, 404, 429] })
  items(
    @Param('id') id: string,
    @Query() query: ListPayoutItemsQuery,
  ): Promise<Page<PayoutItemResponse>> {
    return this.runs.listItems(id, query);
  }

  @Get(':id/exclusions')
  @ApiOperation({ summary: 'The payees a payout run left out, and why, a page at a time' })
  @ApiPage(PayoutExclusionResponse, { problems: [400, 401, 403, 404, 429] })
  exclusions(
    @Param('id') id: string,
    @Query() query: PageQuery,
  ): Promise<Page<PayoutExclusionResponse>> {
    return this.runs.listExclusions(id, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A payout run: its totals, and the first 200 items and exclusions',
    description:
      "Each item's state, amount, transfer and error. A run may have 100,000s of items: `items` and `excluded` hold the first 200 (by id, by payee id); `itemsNextCursor` and `excludedNextCursor` continue at GET …/{id}/items and …/{id}/exclusions.",
  })
  @ApiOk(PayoutRunResponse, { problems: [401, 403, 404, 429] })
  get(@Param('id') id: string): Promise<PayoutRunResponse> {
    return this.runs.get(id);
  }

  @Post(':id/approve')
  @FailClosed()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a draft (a finance principal other than its creator) and pay it',
    description:
      'Reserves every amount in the ledger (payable → payout pending) and sends one Stripe transfer per item, each at most once.',
  })
  @ApiOk(PayoutRunResponse, { problems: [401, 403, 404, 409, 429] })
  approve(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayoutRunResponse> {
    return this.runs.approve(principal, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a draft, or the items of an approved run not yet sent to Stripe',
  })
  @ApiOk(PayoutRunResponse, { problems: [401, 403, 404, 409, 429] })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayoutRunResponse> {
    return this.runs.cancel(principal, id);
  }

  @Post(':id/resume')
  @FailClosed()
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue again every item of the run still pending' })
  @ApiOk(PayoutRunResponse, { problems: [401, 403, 404, 429] })
  resume(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayoutRunResponse> {
    return this.runs.resume(principal, id);
  }
}
