import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems';
import { CreateReconciliationDto, ReconciliationResponse } from './dto/reconciliation.dto';
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
  @ApiAcceptedResponse({ type: ReconciliationResponse })
  @ApiProblems(400, 401, 403, 429)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateReconciliationDto,
  ): Promise<ReconciliationResponse> {
    return this.reconciliations.request(principal, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A reconciliation and every difference it found' })
  @ApiOkResponse({ type: ReconciliationResponse })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('id') id: string): Promise<ReconciliationResponse> {
    return this.reconciliations.get(id);
  }
}
