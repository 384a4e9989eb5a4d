import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
  type SchemaObject,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiAccepted, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import {
  CreateUsageReportDto,
  ListUsageIssuesQuery,
  ListUsageReportsQuery,
  UsageReportHeaderQuery,
  UsageIssuesResponse,
  UsageReportResponse,
} from './dto/usage-report.dto';
import { UsageIssuesService } from './usage-issues.service';
import { UsageReportService } from './usage-report.service';

const NDJSON_EXAMPLE = [
  '{"lineId":"l1","identifier":"isbn:9780306406157","usage":"ai-train","units":1500000,"unit":"token","occurredOn":"2027-06-03"}',
  '{"lineId":"l2","url":"https://news.example/story-1","usage":"ai-input","units":12,"unit":"retrieval","territory":"DE"}',
].join('\n');
const CSV_EXAMPLE = [
  'lineId,identifier,url,usage,units,unit,occurredOn,territory',
  'l1,isbn:9780306406157,,ai-train,1500000,token,2027-06-03,',
  'l2,,https://news.example/story-1,ai-input,12,retrieval,,DE',
].join('\n');
/** The header of a streamed report, documented as query parameters. */
const COUNT = { type: 'string', pattern: '^(0|[1-9]\\d{0,17})$' } as const;
const HEADER_PARAMS: [string, string, SchemaObject][] = [
  ['reportId', 'acme-2027-06', { type: 'string', minLength: 1, maxLength: 200 }],
  ['periodStart', '2027-06-01', { type: 'string', format: 'date' }],
  ['periodEnd', '2027-06-30', { type: 'string', format: 'date' }],
  ['currency', 'EUR', { type: 'string', pattern: '^[A-Z]{3}$' }],
  ['supersedes', '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', { type: 'string', format: 'uuid' }],
  ['lineCount', '2', COUNT],
  ['units', '1500012', COUNT],
];

function ApiReportHeader(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const [name, example, schema] of HEADER_PARAMS) {
      ApiQuery({
        name,
        required: false,
        example,
        schema,
        description: 'NDJSON and CSV only (see UsageReportHeaderQuery)',
      })(target, key, descriptor);
    }
  };
}

/** The upload route, whose NDJSON or CSV body arrives as a stream (see streaming-body.ts). */
export const USAGE_REPORTS_ROUTE = '/v1/usage-reports';

@ApiTags('usage')
@Roles('licensee')
@ApiExtraModels(CreateUsageReportDto, UsageReportHeaderQuery)
@Controller('v1/usage-reports')
export class UsageReportsController {
  constructor(
    private readonly reports: UsageReportService,
    private readonly issuesService: UsageIssuesService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Post a usage report (JSON, or NDJSON/CSV streamed); a worker matches it',
    description:
      'JSON carries the header in the body; NDJSON and CSV carry it as query parameters (reportId, periodStart, periodEnd, currency, supersedes, lineCount, units). reportId is the idempotency key: the same content returns the first report, other content is a 409. Declared totals must match what arrived or the whole report is rejected. Fields: docs/USAGE.md.',
  })
  @ApiConsumes('application/json', 'application/x-ndjson', 'text/csv')
  @ApiReportHeader()
  @ApiBody({
    schema: { oneOf: [{ $ref: getSchemaPath(CreateUsageReportDto) }, { type: 'string' }] },
    examples: {
      json: {
        summary: 'JSON',
        value: {
          reportId: 'acme-2027-06',
          periodStart: '2027-06-01',
          periodEnd: '2027-06-30',
          lines: [
            {
              lineId: 'l1',
              identifier: 'isbn:9780306406157',
              usage: 'ai-train',
              units: 1500000,
              unit: 'token',
            },
          ],
          totals: { lineCount: 1, units: 1500000 },
        },
      },
      ndjson: { summary: 'NDJSON (header in the query)', value: NDJSON_EXAMPLE },
      csv: { summary: 'CSV (header in the query)', value: CSV_EXAMPLE },
    },
  })
  @ApiAccepted(UsageReportResponse, { problems: [400, 401, 403, 404, 409, 413, 415, 429] })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<UsageReportResponse> {
    const { report } = await this.reports.receive(
      principal,
      request.headers['content-type'],
      request.body,
      query,
    );
    return report;
  }

  @Get()
  @ApiOperation({ summary: 'Your usage reports, newest first' })
  @ApiPage(UsageReportResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListUsageReportsQuery,
  ): Promise<Page<UsageReportResponse>> {
    return this.reports.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, counts and totals of a report' })
  @ApiOk(UsageReportResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<UsageReportResponse> {
    return this.reports.get(principal, id);
  }

  @Get(':id/issues')
  @ApiOperation({
    summary: 'Every line not matched cleanly, with its reason (JSON pages, or all as CSV)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOk(UsageIssuesResponse, { problems: [400, 401, 403, 404, 429] })
  async issues(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ListUsageIssuesQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UsageIssuesResponse | StreamableFile> {
    if ((accept ?? '').includes('text/csv')) {
      const rows = await this.issuesService.issuesCsv(principal, id);
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return new StreamableFile(Readable.from(rows), { type: 'text/csv; charset=utf-8' });
    }
    return this.issuesService.issues(principal, id, query);
  }
}
