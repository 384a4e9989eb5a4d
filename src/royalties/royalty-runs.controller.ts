import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiAccepted, ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page, PageQuery } from '../common/pagination/page';
import {
  CreateRoyaltyRunDto,
  InvoiceResponse,
  ListInvoicesQuery,
  ListStatementsQuery,
  PostRoyaltyRunDto,
  RoyaltyRunResponse,
  StatementLineResponse,
  StatementQuery,
  StatementResponse,
} from './dto/royalty-run.dto';
import { CreateInvoicePaymentDto, InvoicePaymentResponse } from './dto/invoice-payment.dto';
import { InvoicePaymentService } from './invoice-payment.service';
import { RoyaltyRunService } from './royalty-run.service';
import { StatementCsvExport, STATEMENT_CSV_HEADER } from './statement-csv';
import { StatementsService } from './statements.service';

@ApiTags('royalties')
@ApiExtraModels(StatementResponse)
@Controller('v1')
export class RoyaltyRunsController {
  constructor(
    private readonly runs: RoyaltyRunService,
    private readonly statementsService: StatementsService,
    private readonly payments: InvoicePaymentService,
    private readonly csv: StatementCsvExport,
  ) {}

  @Post('royalty-runs')
  @HttpCode(202)
  @Roles('finance')
  @ApiOperation({ summary: 'Calculate the royalties of a period (a preview until posted)' })
  @ApiAccepted(RoyaltyRunResponse, { idempotencyKey: true, problems: [400, 401, 403, 409, 429] })
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
  @ApiPage(RoyaltyRunResponse, { problems: [400, 401, 403, 429] })
  list(@Query() query: PageQuery) {
    return this.runs.list(query.limit, query.cursor);
  }

  @Get('royalty-runs/:id')
  @Roles('finance')
  @ApiOk(RoyaltyRunResponse, { problems: [401, 403, 404, 429] })
  get(@Param('id') id: string): Promise<RoyaltyRunResponse> {
    return this.runs.get(id);
  }

  @Post('royalty-runs/:id/recalculate')
  @HttpCode(202)
  @Roles('finance')
  @ApiOperation({ summary: 'Calculate a run again (until it is posted)' })
  @ApiAccepted(RoyaltyRunResponse, { problems: [401, 403, 404, 409, 429] })
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
  @ApiBody({ type: PostRoyaltyRunDto, required: false })
  @ApiOk(RoyaltyRunResponse, { problems: [400, 401, 403, 404, 409, 429] })
  post(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: PostRoyaltyRunDto = {},
  ): Promise<RoyaltyRunResponse> {
    return this.runs.post(principal, id, dto.calculationHash);
  }

  @Get('statements')
  @Roles('publisher', 'finance')
  @ApiOperation({ summary: "Statements: a publisher's payees' (posted runs); finance all" })
  @ApiPage(StatementResponse, { problems: [400, 401, 403, 429] })
  statements(@CurrentPrincipal() principal: Principal, @Query() query: ListStatementsQuery) {
    return this.statementsService.statements(principal, query);
  }

  @Get('statements/:id')
  @Roles('publisher', 'finance')
  @ApiOperation({
    summary: 'A statement: its totals and first 200 lines (JSON), or every line streamed as CSV',
    description:
      'JSON: the totals, `lines` (the first 200, in line order) and `linesNextCursor` (null when that is every line; otherwise continue at GET /v1/statements/{id}/lines). `Accept: text/csv` or `?format=csv` (a plain link: a browser download with the session cookie): every line streamed from the database (any size, constant memory), then a `total` row; at most STATEMENT_CSV_CONCURRENCY downloads at once per process (503 `exports-busy` with Retry-After past it).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The statement',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(StatementResponse) } },
      'text/csv': {
        schema: { type: 'string' },
        example:
          `${STATEMENT_CSV_HEADER}\n` +
          '1,per-unit,019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d,019abc3e-8e2b-7c4d-8b62-3a5f6e7d8c9e,ai-train,token,1000000,0.0125,1000,7000,9,1,8,,,,,\n' +
          'total,,,,,,,,,,9,1,8,,,,,\n',
      },
    },
  })
  @ApiProblems(400, 401, 403, 404, 429, 503)
  async statement(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: StatementQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementResponse | Readable> {
    if (
      query.format === 'csv' ||
      (query.format === undefined && (accept ?? '').includes('text/csv'))
    ) {
      const csv = await this.csv.open(principal, id);
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statement-${id}.csv"`);
      return csv;
    }
    return this.statementsService.statement(principal, id);
  }

  @Get('statements/:id/lines')
  @Roles('publisher', 'finance')
  @ApiOperation({
    summary: "A statement's lines a page at a time, in line order",
    description:
      'The first page is also in GET /v1/statements/{id} (up to 200 lines, with `linesNextCursor`).',
  })
  @ApiPage(StatementLineResponse, { problems: [400, 401, 403, 404, 429] })
  statementLines(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: PageQuery,
  ): Promise<Page<StatementLineResponse>> {
    return this.statementsService.lines(principal, id, query);
  }

  @Post('invoices/:id/payments')
  @FailClosed()
  @Roles('finance')
  @ApiOperation({
    summary: 'Record money received against an invoice (partial allowed; more than owed refused)',
    description:
      "Moves the matching share of each payee's earnings on the invoice from awaiting collection to payable.",
  })
  @ApiCreated(InvoicePaymentResponse, {
    idempotencyKey: true,
    problems: [400, 401, 403, 404, 409, 429],
  })
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
  @ApiPage(InvoiceResponse, { problems: [400, 401, 403, 429] })
  invoices(@CurrentPrincipal() principal: Principal, @Query() query: ListInvoicesQuery) {
    return this.statementsService.invoices(principal, query);
  }
}
