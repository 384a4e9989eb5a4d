import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsCurrencyCode } from '../../common/validation/iso-codes';

export class CreateReconciliationDto {
  @ApiProperty({
    format: 'date-time',
    example: '2027-07-01T00:00:00Z',
    description: 'Transfers made from (inclusive)',
  })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2027-07-02T00:00:00Z',
    description: 'Until (exclusive)',
  })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'Only this currency (default: all)' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}

export class ReconciledAmount {
  @ApiProperty({ type: 'integer', example: 5000, description: 'Minor units' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

export class ReconciliationDifferenceResponse {
  @ApiProperty({
    enum: [
      'missing-in-stripe',
      'unknown-to-ledger',
      'amount-mismatch',
      'currency-mismatch',
      'destination-mismatch',
      'missing-balance-transaction',
      'balance-transaction-mismatch',
    ],
    example: 'unknown-to-ledger',
  })
  kind!: string;
  @ApiProperty({ example: 'tr_1QfS0aLkd8Hn3Xy9AbCdEfGh' }) transferId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  itemId!: string | null;
  @ApiProperty({
    type: ReconciledAmount,
    nullable: true,
    example: null,
    description: 'What the ledger paid',
  })
  ledger!: ReconciledAmount | null;
  @ApiProperty({
    type: ReconciledAmount,
    nullable: true,
    example: { amount: 5000, currency: 'EUR' },
    description: 'What Stripe transferred',
  })
  stripe!: ReconciledAmount | null;
}

export class ReconciliationSummaryResponse {
  @ApiProperty({ type: 'integer', example: 120 }) ledgerTransfers!: number;
  @ApiProperty({ type: 'integer', example: 121 }) stripeTransfers!: number;
  @ApiProperty({ type: 'integer', example: 120 }) matched!: number;
  @ApiProperty({ type: 'integer', example: 2 }) differences!: number;
}

export class ReconciliationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'], example: 'completed' })
  status!: string;
  @ApiProperty({ format: 'date-time', example: '2027-07-01T00:00:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2027-07-02T00:00:00.000Z' }) to!: string;
  @ApiProperty({ type: String, nullable: true, example: 'EUR' }) currency!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: scheduled' })
  requestedBy!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Grace (finance)',
    description: "The requesting principal's name; null: scheduled",
  })
  requestedByName!: string | null;
  @ApiProperty({ format: 'date-time', example: '2027-07-02T02:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: ReconciliationSummaryResponse, nullable: true })
  summary!: ReconciliationSummaryResponse | null;
  @ApiProperty({ type: [ReconciliationDifferenceResponse] })
  differences!: ReconciliationDifferenceResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) error!: string | null;
}

export const RECONCILIATION_STATUSES = ['running', 'completed', 'failed'] as const;

/** A reconciliation in a list: its summary, without its differences (GET …/{id} has them). */
export class ReconciliationSummaryItemResponse extends OmitType(ReconciliationResponse, [
  'differences',
]) {}

export class ListReconciliationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RECONCILIATION_STATUSES, example: 'completed' })
  @IsOptional()
  @IsIn(RECONCILIATION_STATUSES)
  status?: (typeof RECONCILIATION_STATUSES)[number];

  @ApiPropertyOptional({ example: 'EUR', description: 'Reconciliations of this currency only' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}
