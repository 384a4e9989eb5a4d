import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiAccepted, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import {
  CreateReconciliationDto,
  ListReconciliationsQuery,
  ReconciliationResponse,
  ReconciliationSummaryItemResponse,
} from './dto/reconciliation.dto';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('payouts')
@Roles('finance')
@Controller('v1/reconciliations')
export class ReconciliationsController {
  constructor(private readonly reconciliations: ReconciliationService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Compare paid items with Stripe's transfers and balance transactions for a range",
  })
  @ApiAccepted(ReconciliationResponse, { problems: [400, 401, 403, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateReconciliationDto,
  ): Promise<ReconciliationResponse> {
    return this.reconciliations.request(principal, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Reconciliations, newest first, with their summaries; by status and currency',
  })
  @ApiPage(ReconciliationSummaryItemResponse, { problems: [400, 401, 403, 429] })
  list(@Query() query: ListReconciliationsQuery): Promise<Page<ReconciliationSummaryItemResponse>> {
    return this.reconciliations.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A reconciliation and every difference it found' })
  @ApiOk(ReconciliationResponse, { problems: [401, 403, 404, 429] })
  get(@Param('id') id: string): Promise<ReconciliationResponse> {
    return this.reconciliations.get(id);
  }
}
