import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { IDEMPOTENCY_KEY_HEADER_DOC } from '../common/openapi-headers';
import { PageOf, PageQuery } from '../common/pagination/page';
import {
  CreateRoyaltyRunDto,
  InvoiceResponse,
  ListInvoicesQuery,
  ListStatementsQuery,
  RoyaltyRunResponse,
  StatementResponse,
} from './dto/royalty-run.dto';
import { CreateInvoicePaymentDto, InvoicePaymentResponse } from './dto/invoice-payment.dto';
import { InvoicePaymentService } from './invoice-payment.service';
import { RoyaltyRunService } from './royalty-run.service';
import { StatementsService } from './statements.service';

@ApiTags('royalties')
@Controller('v1')
export class RoyaltyRunsController {
  constructor(
    private readonly runs: RoyaltyRunService,
    private readonly statementsService: StatementsService,
    private readonly payments: InvoicePaymentService,
  ) {}

  @Post('royalty-runs')
  @HttpCode(202)
  @Roles('finance')
  @ApiOperation({ summary: 'Calculate the royalties of a period (a preview until posted)' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiAcceptedResponse({ type: RoyaltyRunResponse })
  @ApiProblems(400, 401, 403, 409, 429)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateRoyaltyRunDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<RoyaltyRunResponse> {
    return this.runs.create(principal, dto, idempotency);
  }

  @Get('royalty-runs')
  @Roles('finance')
  @ApiOperation({ summary: 'Every royalty run, newest first' })
  @ApiOkResponse({ type: PageOf(RoyaltyRunResponse) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: PageQuery) {
    return this.runs.list(query.limit, query.cursor);
  }

  @Get('royalty-runs/:id')
  @Roles('finance')
  @ApiOkResponse({ type: RoyaltyRunResponse })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('id') id: string): Promise<RoyaltyRunResponse> {
    return this.runs.get(id);
  }

  @Post('royalty-runs/:id/recalculate')
  @HttpCode(202)
  @Roles('finance')
  @ApiOperation({ summary: 'Calculate a run again (until it is posted)' })
  @ApiAcceptedResponse({ type: RoyaltyRunResponse })
  @ApiProblems(401, 403, 404, 409, 429)
  recalculate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<RoyaltyRunResponse> {
    return this.runs.recalculate(principal, id);
  }

  @Post('royalty-runs/:id/post')
  @FailClosed()
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({ summary: 'Post a calculated run to the ledger, once; it is final after' })
  @ApiOkResponse({ type: RoyaltyRunResponse })
  @ApiProblems(401, 403, 404, 409, 429)
  post(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<RoyaltyRunResponse> {
    return this.runs.post(principal, id);
  }

  @Get('statements')
  @Roles('publisher', 'finance')
  @ApiOperation({ summary: "Statements: a publisher's payees' (posted runs); finance all" })
  @ApiOkResponse({ type: PageOf(StatementResponse) })
  @ApiProblems(400, 401, 403, 429)
  statements(@CurrentPrincipal() principal: Principal, @Query() query: ListStatementsQuery) {
    return this.statementsService.statements(principal, query);
  }

  @Get('statements/:id')
  @Roles('publisher', 'finance')
  @ApiOperation({ summary: 'A statement with every line (JSON, or CSV with Accept: text/csv)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: StatementResponse })
  @ApiProblems(401, 403, 404, 429)
  async statement(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementResponse | string> {
    if ((accept ?? '').includes('text/csv')) {
      const csv = await this.statementsService.statementCsv(principal, id);
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return csv;
    }
    return this.statementsService.statement(principal, id);
  }

  @Post('invoices/:id/payments')
  @FailClosed()
  @Roles('finance')
  @ApiOperation({
    summary: 'Record money received against an invoice (partial allowed; more than owed refused)',
    description:
      "Moves the matching share of each payee's earnings on the invoice from awaiting collection to payable.",
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: InvoicePaymentResponse })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  pay(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreateInvoicePaymentDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<InvoicePaymentResponse> {
    return this.payments.record(principal, id, dto, idempotency);
  }

  @Get('invoices')
  @Roles('licensee', 'finance')
  @ApiOperation({ summary: "Invoices by agreement: a licensee's own (posted runs); finance all" })
  @ApiOkResponse({ type: PageOf(InvoiceResponse) })
  @ApiProblems(400, 401, 403, 429)
  invoices(@CurrentPrincipal() principal: Principal, @Query() query: ListInvoicesQuery) {
    return this.statementsService.invoices(principal, query);
  }
}
