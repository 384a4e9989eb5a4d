import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const COLLECTION_STATUSES = [
  'issuing',
  'withdrawn',
  'open',
  'paid',
  'void',
  'uncollectible',
] as const;

export class CreditGiven {
  @ApiProperty({ enum: ['refund', 'balance'], example: 'balance' }) method!: 'refund' | 'balance';
  @ApiProperty({ enum: ['pending', 'issued'], example: 'issued' }) status!: 'pending' | 'issued';
  @ApiProperty({
    type: 'integer',
    example: 500,
    description: 'Refunded to the corrected invoice’s payment',
  })
  refunded!: number;
  @ApiProperty({
    type: 'integer',
    example: 1500,
    description: 'Credited to the licensee’s Stripe balance',
  })
  credited!: number;
  @ApiProperty({ type: String, nullable: true, example: 'cn_1QfS0aLkd8Hn3Xy9' })
  stripeCreditNoteId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The paid invoice it corrects',
  })
  correctsInvoiceId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What Stripe last refused' })
  failure!: string | null;
}

export class InvoiceCollectionResponse {
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ enum: ['invoice', 'credit-note'], example: 'invoice' })
  kind!: 'invoice' | 'credit-note';
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({
    type: 'integer',
    example: 53973,
    description: 'The invoice’s amount (negative: a credit note)',
  })
  amount!: number;
  @ApiProperty({
    type: 'integer',
    example: 20000,
    description: 'Recorded as paid (by Stripe, credit or hand; net of refunds)',
  })
  paid!: number;
  @ApiProperty({
    type: 'integer',
    example: 33973,
    description: 'Still owed (a credit note: still to give back, negative)',
  })
  outstanding!: number;
  @ApiProperty({
    enum: [...COLLECTION_STATUSES, 'pending', 'issued'],
    example: 'open',
    description:
      'An invoice: issuing (not yet finalized in Stripe; failure says why when Stripe refused), withdrawn (paid in full by hand before it reached Stripe), then Stripe’s status. A credit note: pending, issued.',
  })
  status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'in_1QfS0aLkd8Hn3Xy9AbCdEfGh' })
  stripeInvoiceId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'RL-0042' }) number!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'https://invoice.stripe.com/i/acct_1Qf/test_YWNj',
    description: 'Where the licensee sees and pays the invoice',
  })
  hostedInvoiceUrl!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'https://pay.stripe.com/invoice/acct_1Qf/test_YWNj/pdf',
  })
  invoicePdf!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', example: '2027-08-14' })
  dueOn!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'charge_automatically' })
  collectionMethod!: string | null;
  @ApiProperty({ type: 'integer', example: 1, description: 'Tries at issuing it in Stripe' })
  attempts!: number;
  @ApiProperty({ type: String, nullable: true, description: 'What Stripe refused when issuing it' })
  failure!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) issuedAt!: string | null;
  @ApiProperty({ type: CreditGiven, nullable: true }) credit!: CreditGiven | null;
}

export class InvoiceCollectionsQuery {
  @ApiProperty({
    description: 'Up to 200 invoice ids, comma-separated (a page of GET /v1/invoices)',
    example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d,019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8e',
  })
  @Matches(new RegExp(`^${UUID}(,${UUID}){0,199}$`), {
    message: 'ids must be 1 to 200 invoice ids, comma-separated',
  })
  ids!: string;
}

export class InvoiceCollectionsResponse {
  @ApiProperty({
    type: [InvoiceCollectionResponse],
    description:
      'Those of the invoices the caller may read that are collected through Stripe, in the order asked',
  })
  data!: InvoiceCollectionResponse[];
}

export class OverdueByLicenseeQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2027-09-30',
    description: 'Default today (UTC)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'asOf must be a date, YYYY-MM-DD' })
  asOf?: string;
}

export class OverdueQuery extends IntersectionType(PageQuery, OverdueByLicenseeQuery) {
  @ApiPropertyOptional({ format: 'uuid', description: 'One licensee’s only' })
  @IsOptional()
  @IsUUID()
  licenseeId?: string;
}

export class OverdueInvoice {
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Babbage AI' }) licenseeName!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 53973 }) amount!: number;
  @ApiProperty({ type: 'integer', example: 33973 }) outstanding!: number;
  @ApiProperty({ format: 'date', example: '2027-08-14' }) dueOn!: string;
  @ApiProperty({ type: 'integer', example: 47 }) daysOverdue!: number;
  @ApiProperty({ enum: ['open', 'uncollectible'], example: 'open' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'RL-0042' }) number!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uri' }) hostedInvoiceUrl!: string | null;
}

export class OverdueLicensee {
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Babbage AI' }) licenseeName!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 3 }) invoices!: number;
  @ApiProperty({ type: 'integer', example: 120000 }) outstanding!: number;
  @ApiProperty({ type: 'integer', example: 47 }) oldestDaysOverdue!: number;
}

export class OverdueByLicenseeResponse {
  @ApiProperty({ format: 'date', example: '2027-09-30' }) asOf!: string;
  @ApiProperty({ type: [OverdueLicensee] }) data!: OverdueLicensee[];
}

export class IssueAgainResponse {
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ example: 'issuing' }) status!: string;
}
