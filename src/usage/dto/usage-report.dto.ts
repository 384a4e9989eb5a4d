import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NestedObject } from '../../common/validation/nested';
import { RATE_UNITS } from '../../licensing/offer-vocabulary';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { IsCurrencyCode } from '../../common/validation/iso-codes';
import { PageQuery } from '../../common/pagination/page';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNT = /^(0|[1-9]\d{0,17})$/;
/** A count the API reads as a JSON number (up to 2^53 − 1) or a string of up to 18 digits. */
const COUNT_SCHEMA = {
  oneOf: [
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    { type: 'string', pattern: COUNT.source },
  ],
};

/** The outcomes of the lines that did not match cleanly: a report's issues. */
export const USAGE_ISSUE_KINDS = ['unmatched', 'out-of-scope', 'invalid'] as const;

/** The header of a streamed report, as query parameters. */
export class UsageReportHeaderQuery {
  @ApiProperty({ example: 'acme-2027-06', description: "The licensee's own id: never reused" })
  @IsString()
  @Length(1, 200)
  reportId!: string;

  @ApiProperty({ format: 'date', example: '2027-06-01' })
  @Matches(DATE, { message: 'periodStart must be a date, YYYY-MM-DD' })
  periodStart!: string;

  @ApiProperty({ format: 'date', example: '2027-06-30' })
  @Matches(DATE, { message: 'periodEnd must be a date, YYYY-MM-DD' })
  periodEnd!: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'Currency of revenue figures' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The id (ours) of an earlier accepted report of the same period this one corrects',
  })
  @IsOptional()
  @IsUUID()
  supersedes?: string;

  @ApiProperty({ pattern: COUNT.source, example: '2', description: 'Declared number of lines' })
  @Matches(COUNT, { message: 'lineCount must be a non-negative integer' })
  lineCount!: string;

  @ApiProperty({
    pattern: COUNT.source,
    example: '1500000',
    description: 'Declared sum of units over all lines',
  })
  @Matches(COUNT, { message: 'units must be a non-negative integer (at most 18 digits)' })
  units!: string;
}

export class UsageReportTotalsDto {
  @ApiProperty({
    ...COUNT_SCHEMA,
    example: 2,
    description: 'A number, or a string of digits past 2^53',
  })
  @IsDefined()
  @Matches(COUNT, { message: 'totals.lineCount must be a non-negative integer' })
  @Type(() => String)
  lineCount!: string;

  @ApiProperty({
    ...COUNT_SCHEMA,
    example: 1500000,
    description: 'A number, or a string of digits past 2^53',
  })
  @IsDefined()
  @Matches(COUNT, { message: 'totals.units must be a non-negative integer (at most 18 digits)' })
  @Type(() => String)
  units!: string;
}

/**
 * A line of a report, as documented: lines are not validated as a DTO but one by one, and a bad
 * line becomes an issue of the report (GET …/issues), not a 400.
 */
export class UsageLineDto {
  @ApiProperty({ example: 'l1', description: 'Stable and unique within the report' })
  lineId!: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Exactly one of workId, identifier, url, sha256',
  })
  workId?: string;
  @ApiPropertyOptional({ example: 'isbn:9780306406157' })
  identifier?: string;
  @ApiPropertyOptional({ format: 'uri', example: 'https://news.example/story-1' })
  url?: string;
  @ApiPropertyOptional({
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  })
  sha256?: string;
  @ApiProperty({ example: 'ai-train', description: 'An RSL usage or an extension token' })
  usage!: string;
  @ApiProperty({ ...COUNT_SCHEMA, example: 1500000 })
  units!: number | string;
  @ApiProperty({ enum: RATE_UNITS, example: 'token' })
  unit!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The agreement the use falls under' })
  agreementId?: string;
  @ApiPropertyOptional({ example: 'acme-llm-3' })
  model?: string;
  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  territory?: string;
  @ApiPropertyOptional({
    format: 'date',
    example: '2027-06-03',
    description: "In the report's period",
  })
  occurredOn?: string;
  @ApiPropertyOptional({ ...COUNT_SCHEMA, description: 'Revenue in minor units (revenue share)' })
  revenue?: number | string;
  @ApiPropertyOptional({
    example: 'rcpt_AU0GnbXqj6iHkLcPIR-gvG4sBlZd0xFj_g',
    pattern: '^rcpt_[A-Za-z0-9_-]{34}$',
    description:
      "The licence receipt (GET /v1/licence-check's receipt.id) the use rests on: it must be this licensee's, for the work, usage, day and agreement version the line matches, else the line is out of scope with a receipt-* reason. An undated line is dated by it.",
  })
  receiptId?: string;
}

/** A small report in one JSON document. */
export class CreateUsageReportDto {
  @ApiProperty({ example: 'acme-2027-06' })
  @IsString()
  @Length(1, 200)
  reportId!: string;

  @ApiProperty({ format: 'date', example: '2027-06-01' })
  @Matches(DATE, { message: 'periodStart must be a date, YYYY-MM-DD' })
  periodStart!: string;

  @ApiProperty({ format: 'date', example: '2027-06-30' })
  @Matches(DATE, { message: 'periodEnd must be a date, YYYY-MM-DD' })
  periodEnd!: string;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  supersedes?: string;

  @ApiProperty({
    type: [UsageLineDto],
    example: [
      {
        lineId: 'l1',
        identifier: 'isbn:9780306406157',
        usage: 'ai-train',
        units: 1500000,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
    ],
    description: 'Up to 10,000 lines; larger reports are streamed as NDJSON or CSV',
  })
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsObject({ each: true })
  lines!: Record<string, unknown>[];

  @ApiProperty({ type: UsageReportTotalsDto })
  @IsDefined()
  @NestedObject(() => UsageReportTotalsDto)
  totals!: UsageReportTotalsDto;
}

export class UsageCountsResponse {
  @ApiProperty({ type: 'integer', example: 1 }) matched!: number;
  @ApiProperty({ type: 'integer', example: 0 }) unmatched!: number;
  @ApiProperty({ type: 'integer', example: 0 }) outOfScope!: number;
  @ApiProperty({ type: 'integer', example: 1 }) invalid!: number;
}

export class UsageTotalResponse {
  @ApiProperty({ example: 'ai-train' }) usage!: string;
  @ApiProperty({ enum: RATE_UNITS, example: 'token' }) unit!: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'Valid lines' }) lines!: number;
  @ApiProperty({ example: '1500000' }) units!: string;
  @ApiProperty({ example: '1500000' }) matchedUnits!: string;
}

export class UsageReportTotalsResponse {
  @ApiProperty({ pattern: COUNT.source, example: '2' }) lineCount!: string;
  @ApiProperty({ pattern: COUNT.source, example: '1500000' }) units!: string;
}

export class UsageReportRejection {
  @ApiProperty({ enum: ['totals-mismatch', 'too-many-invalid-lines'] }) code!: string;
  @ApiProperty({
    example: 'Declared 2 lines and 1500000 units; received 1 lines and 1500000 units',
  })
  detail!: string;
  @ApiPropertyOptional({ type: UsageReportTotalsResponse, description: 'totals-mismatch' })
  declared?: UsageReportTotalsResponse;
  @ApiPropertyOptional({ type: UsageReportTotalsResponse, description: 'totals-mismatch' })
  received?: UsageReportTotalsResponse;
  @ApiPropertyOptional({ type: 'integer', description: 'too-many-invalid-lines' })
  invalidLines?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'too-many-invalid-lines' })
  lines?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'too-many-invalid-lines' })
  maxInvalidBps?: number;
}

export const USAGE_REPORT_STATES = ['received', 'processing', 'accepted', 'rejected'] as const;

export class UsageReportResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'acme-2027-06' }) reportId!: string;
  @ApiProperty({ enum: USAGE_REPORT_STATES }) status!: (typeof USAGE_REPORT_STATES)[number];
  @ApiProperty({ enum: ['json', 'ndjson', 'csv'] }) format!: string;
  @ApiProperty({ format: 'date', example: '2027-06-01' }) periodStart!: string;
  @ApiProperty({ format: 'date', example: '2027-06-30' }) periodEnd!: string;
  @ApiProperty({ type: String, nullable: true, example: 'EUR' }) currency!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) supersedes!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) supersededBy!: string | null;
  @ApiProperty({ type: UsageReportTotalsResponse }) declared!: UsageReportTotalsResponse;
  @ApiProperty({ type: UsageReportTotalsResponse }) received!: UsageReportTotalsResponse;
  @ApiProperty({ type: UsageCountsResponse, description: 'All zero until processed' })
  counts!: UsageCountsResponse;
  @ApiProperty({ type: [UsageTotalResponse] }) totalsByUsage!: UsageTotalResponse[];
  @ApiProperty({
    type: UsageReportRejection,
    nullable: true,
    example: null,
    description: 'Why the whole report was rejected',
  })
  rejection!: UsageReportRejection | null;
  @ApiProperty({ description: 'Whether its lines count for royalties now' }) counting!: boolean;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) processedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) acceptedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) supersededAt!: string | null;
}

export class UsageIssueResponse {
  @ApiProperty({ type: 'integer', example: 7 }) lineNo!: number;
  @ApiProperty({ type: String, nullable: true, example: 'l7' }) lineId!: string | null;
  @ApiProperty({ enum: USAGE_ISSUE_KINDS }) status!: string;
  @ApiProperty({ example: 'unknown-work' }) reason!: string;
  @ApiProperty({ type: String, nullable: true, example: 'isbn:9780306406157' })
  workRef!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ai-train' }) usage!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1500000' }) units!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    pattern: '^rcpt_[A-Za-z0-9_-]{34}$',
    description: 'The licence receipt the line cites (a receipt-* reason says why it was refused)',
  })
  receiptId!: string | null;
}

export class UsageIssuesResponse {
  @ApiProperty({ type: [UsageIssueResponse] }) data!: UsageIssueResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListUsageIssuesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: USAGE_ISSUE_KINDS,
    description: 'Only the issues of this kind (default every kind)',
  })
  @IsOptional()
  @IsIn(USAGE_ISSUE_KINDS)
  status?: (typeof USAGE_ISSUE_KINDS)[number];
}

export class ListUsageReportsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['received', 'processing', 'accepted', 'rejected'] })
  @IsOptional()
  @IsIn(['received', 'processing', 'accepted', 'rejected'])
  status?: 'received' | 'processing' | 'accepted' | 'rejected';
}

export class PublisherUsageQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  workId?: string;

  @ApiPropertyOptional({
    example: '2027-06',
    description: 'Reports whose period starts in this month',
  })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be a month, YYYY-MM' })
  period?: string;

  @ApiPropertyOptional({ example: 'ai-train' })
  @IsOptional()
  @IsString()
  usage?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the use this licensee reported' })
  @IsOptional()
  @IsUUID()
  licenseeId?: string;

  @ApiPropertyOptional({ enum: ['matched', 'out-of-scope'] })
  @IsOptional()
  @IsIn(['matched', 'out-of-scope'])
  status?: 'matched' | 'out-of-scope';
}

export class PublisherUsageRow {
  @ApiProperty({ format: 'uuid' }) workId!: string;
  @ApiProperty({ example: 'The Analytical Engine', description: "The work's current title" })
  workTitle!: string;
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Acme AI', description: "The licensee's name" })
  licenseeName!: string;
  @ApiProperty({ example: 'ai-train' }) usage!: string;
  @ApiProperty({ enum: RATE_UNITS, example: 'token' }) unit!: string;
  @ApiProperty({ enum: ['matched', 'out-of-scope'], description: 'out-of-scope: unlicensed use' })
  status!: string;
  @ApiProperty({ type: 'integer', example: 3 }) lines!: number;
  @ApiProperty({ example: '4500000' }) units!: string;
}

export class PublisherUsageResponse {
  @ApiProperty({ type: [PublisherUsageRow] }) data!: PublisherUsageRow[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
