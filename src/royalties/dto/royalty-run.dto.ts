import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { RATE_UNITS } from '../../licensing/offer-vocabulary';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateRoyaltyRunDto {
  @ApiProperty({ format: 'date', example: '2027-06-01' })
  @Matches(DATE, { message: 'periodStart must be a date, YYYY-MM-DD' })
  periodStart!: string;

  @ApiProperty({ format: 'date', example: '2027-06-30' })
  @Matches(DATE, { message: 'periodEnd must be a date, YYYY-MM-DD' })
  periodEnd!: string;
}

export const ROYALTY_RUN_STATES = ['calculating', 'calculated', 'posted', 'failed'] as const;

/**
 * Posting what was seen: the calculation the poster confirmed (its `calculationHash`). A run
 * recalculated since (another principal's figures) answers 409 `calculation-changed`.
 */
export class PostRoyaltyRunDto {
  @ApiPropertyOptional({
    description:
      "The run's calculationHash as the poster saw it; when it is no longer the run's, nothing is posted (409 calculation-changed)",
    example: '9fb6db7a35218a3c0c1e4d2f7b8a9c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'calculationHash must be 64 lowercase hex digits' })
  calculationHash?: string;
}

export class RoyaltyRunCurrencySummary {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 1 }) invoices!: number;
  @ApiProperty({ type: 'integer', example: 1250, description: 'Minor units' }) invoiced!: number;
  @ApiProperty({ type: 'integer', example: 125, description: 'Minor units' }) commission!: number;
  @ApiProperty({ type: 'integer', example: 1125, description: 'Minor units' }) payees!: number;
}

/** Empty (`{}`) until the run is calculated. */
export class RoyaltyRunSummary {
  @ApiPropertyOptional({ type: 'integer', example: 2 }) statements?: number;
  @ApiPropertyOptional({ type: [RoyaltyRunCurrencySummary] })
  byCurrency?: RoyaltyRunCurrencySummary[];
}

export class RoyaltyRunResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date', example: '2027-06-01' }) periodStart!: string;
  @ApiProperty({ format: 'date', example: '2027-06-30' }) periodEnd!: string;
  @ApiProperty({ enum: ROYALTY_RUN_STATES }) status!: (typeof ROYALTY_RUN_STATES)[number];
  @ApiProperty({ type: 'integer', example: 1000 }) commissionBps!: number;
  @ApiProperty({
    type: RoyaltyRunSummary,
    description: 'Empty until the run is calculated',
    example: {
      statements: 2,
      byCurrency: [{ currency: 'EUR', invoices: 1, invoiced: 1250, commission: 125, payees: 1125 }],
    },
  })
  summary!: RoyaltyRunSummary;
  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 of every statement line' })
  calculationHash!: string | null;
  @ApiProperty({ type: String, nullable: true }) failure!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) calculatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) postedAt!: string | null;
}

export class ListStatementsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  payeeId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "The publisher whose payees' statements to list (finance)",
  })
  @IsOptional()
  @IsUUID()
  publisherId?: string;
}

export const STATEMENT_FORMATS = ['json', 'csv'] as const;

export class StatementQuery {
  @ApiPropertyOptional({
    enum: STATEMENT_FORMATS,
    default: 'json',
    description:
      'csv: the statement as CSV, as with `Accept: text/csv` (for a plain link, e.g. a download in the browser)',
  })
  @IsOptional()
  @IsIn(STATEMENT_FORMATS)
  format?: (typeof STATEMENT_FORMATS)[number];
}

export const INVOICE_STATUS_FILTERS = ['outstanding', 'paid', 'all'] as const;

export class ListInvoicesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  agreementId?: string;

  @ApiPropertyOptional({
    enum: INVOICE_STATUS_FILTERS,
    default: 'all',
    description:
      'outstanding: issued (run posted) with something still owed (paymentStatus outstanding or partially-paid); paid: issued and paid in full; all: every invoice, previews and credit notes too',
  })
  @IsOptional()
  @IsIn(INVOICE_STATUS_FILTERS)
  status?: (typeof INVOICE_STATUS_FILTERS)[number];

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only invoices with adjustments (restatements of posted periods); false: only those without',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  adjusted?: 'true' | 'false';
}

export const INVOICE_PAYMENT_STATES = [
  'not-issued',
  'outstanding',
  'partially-paid',
  'paid',
  'credit-note',
] as const;

export class AdjustmentReference {
  @ApiProperty({ format: 'uuid', description: 'The posted run that settled the corrected period' })
  runId!: string;
  @ApiProperty({ format: 'date', example: '2027-05-01' }) periodStart!: string;
  @ApiProperty({ format: 'date', example: '2027-05-31' }) periodEnd!: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: ['0f0c8a52-4d6e-4c1f-9d0e-3b7f4f1f2a10', '7a3e2c11-9b8d-4e5f-8a6b-1c2d3e4f5a6b'],
    description:
      'The usage reports whose counting changed: a superseded one and its successor, or a late one',
  })
  reportIds!: string[];
}

export class StatementLineResponse {
  @ApiProperty({ type: 'integer', example: 1 }) lineNo!: number;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({
    enum: [
      'per-unit',
      'revenue-share',
      'flat-fee',
      'minimum-guarantee',
      'advance',
      'advance-repayment',
      'per-unit-adjustment',
      'revenue-share-adjustment',
    ],
    description:
      'revenue-share: units is the revenue, rate the bps, per 10000. *-adjustment: a restatement of a posted period (signed units and amounts)',
  })
  kind!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'Null: a fee with no usage to spread it over (the publisher’s default payee)',
  })
  workId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ai-train' }) usage!: string | null;
  @ApiProperty({ type: String, enum: RATE_UNITS, nullable: true, example: 'token' })
  unit!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1500000' }) units!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.0125',
    description: 'Minor units per `per` units',
  })
  rate!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 1000 }) per!: number | null;
  @ApiProperty({
    type: 'integer',
    example: 5000,
    description: "The payee's share of the work, in bps",
  })
  shareBps!: number;
  @ApiProperty({
    type: 'integer',
    example: 9,
    description: "This payee's part of the line's invoiced amount",
  })
  gross!: number;
  @ApiProperty({ type: 'integer', example: 1 }) commission!: number;
  @ApiProperty({ type: 'integer', example: 8 }) net!: number;
  @ApiProperty({
    type: AdjustmentReference,
    nullable: true,
    description: 'On adjustment lines: the period, run and usage reports it corrects',
  })
  adjustment!: AdjustmentReference | null;
  @ApiProperty({
    type: [String],
    example: ['rcpt_AU0GnbXqj6iHkLcPIR-gvG4sBlZd0xFj_g'],
    items: { type: 'string', pattern: '^rcpt_[A-Za-z0-9_-]{34}$' },
    description:
      'The licence receipts the usage of this line cites (GET /v1/licence-receipts/:id follows one); empty when none does',
  })
  receiptIds!: string[];
}

export class StatementResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'date', example: '2027-06-01' }) periodStart!: string;
  @ApiProperty({ format: 'date', example: '2027-06-30' }) periodEnd!: string;
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) payeeName!: string;
  @ApiProperty({ format: 'uuid' }) publisherId!: string;
  @ApiProperty({ example: 'Analytical Press' }) publisherName!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 9 }) gross!: number;
  @ApiProperty({ type: 'integer', example: 1 }) commission!: number;
  @ApiProperty({ type: 'integer', example: 8, description: 'The sum of the lines’ net' })
  net!: number;
  @ApiPropertyOptional({
    type: [StatementLineResponse],
    description:
      'On GET /v1/statements/:id: the first 200 lines, in line order; the rest from GET /v1/statements/:id/lines?cursor=linesNextCursor',
  })
  lines?: StatementLineResponse[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'bDIwMA',
    description:
      'On GET /v1/statements/:id: null when `lines` holds every line; otherwise the cursor of GET /v1/statements/:id/lines for the next page',
  })
  linesNextCursor?: string | null;
}

export class InvoiceResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'date', example: '2027-06-01' }) periodStart!: string;
  @ApiProperty({ format: 'date', example: '2027-06-30' }) periodEnd!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Babbage AI' }) licenseeName!: string;
  @ApiProperty({ format: 'uuid' }) publisherId!: string;
  @ApiProperty({ example: 'Analytical Press' }) publisherName!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '18.75', description: 'The exact sum of the charges, in minor units' })
  exactTotal!: string;
  @ApiProperty({
    type: 'integer',
    example: 19,
    description:
      'The period’s charges and the adjustments, each rounded half-even once; negative: a credit note',
  })
  amount!: number;
  @ApiProperty({ type: 'integer', example: 2 }) commission!: number;
  @ApiProperty({ type: 'integer', example: 17 }) payeeTotal!: number;
  @ApiProperty({ example: '50000', description: 'The licence advance invoiced here (first run)' })
  advanceInvoiced!: string;
  @ApiProperty({ example: '30000', description: 'Charges recouped against the advance (exact)' })
  advanceRecouped!: string;
  @ApiProperty({ example: '20000', description: 'What is left of the advance after this invoice' })
  advanceBalance!: string;
  @ApiProperty({
    example: '-62.5',
    description: 'The exact sum of the adjustment lines (restatements of posted periods), signed',
  })
  adjustmentExact!: string;
  @ApiProperty({
    type: 'integer',
    example: -62,
    description: 'The adjustments rounded half-even once; included in amount',
  })
  adjustmentAmount!: number;
  @ApiProperty({
    type: 'integer',
    example: -6,
    description: 'The commission on the adjustments; included in commission',
  })
  adjustmentCommission!: number;
  @ApiProperty({
    type: 'integer',
    example: 10,
    description: 'Received so far (the sum of the payments recorded)',
  })
  paid!: number;
  @ApiProperty({
    type: 'integer',
    example: 9,
    description:
      'Still owed: amount less paid once the run is posted (never below 0); 0 before (a preview is owed nothing)',
  })
  outstanding!: number;
  @ApiProperty({
    enum: INVOICE_PAYMENT_STATES,
    example: 'partially-paid',
    description:
      'not-issued: its run is not posted; credit-note: a negative amount, nothing owed; paid: nothing left to pay',
  })
  paymentStatus!: (typeof INVOICE_PAYMENT_STATES)[number];
}
