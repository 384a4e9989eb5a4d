import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsCurrencyCode } from '../../common/validation/iso-codes';

export const PAYOUT_RUN_STATUSES = ['draft', 'executing', 'completed', 'cancelled'] as const;
export type PayoutRunStatus = (typeof PAYOUT_RUN_STATUSES)[number];
export const PAYOUT_ITEM_STATUSES = ['draft', 'pending', 'paid', 'failed', 'cancelled'] as const;
export type PayoutItemStatus = (typeof PAYOUT_ITEM_STATUSES)[number];

export class CreatePayoutRunDto {
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code; payees are paid in this currency' })
  @IsCurrencyCode()
  currency!: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 5000,
    description: 'Least payable balance (minor units) worth a transfer; default 1',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minimumAmount?: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: ['019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d'],
    description: 'Only these payees (default: every payee with a payable balance)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @IsUUID('all', { each: true })
  payeeIds?: string[];
}

export class PayoutItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) payeeName!: string;
  @ApiProperty({ format: 'uuid', description: "The payee's publisher" }) publisherId!: string;
  @ApiProperty({ example: 'Analytical Press' }) publisherName!: string;
  @ApiProperty({ type: 'integer', example: 125000 }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: PAYOUT_ITEM_STATUSES, example: 'paid' }) status!: PayoutItemStatus;
  @ApiProperty({ example: 'acct_1QfR2sLkd8Hn3Xy9' }) stripeAccountId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'tr_1QfS0aLkd8Hn3Xy9AbCdEfGh' })
  transferId!: string | null;
  @ApiProperty({ type: 'integer', example: 1, description: 'Calls made to Stripe for this item' })
  attempts!: number;
  @ApiProperty({ type: String, nullable: true, example: null, description: "Stripe's code" })
  errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: "Stripe's reason" })
  error!: string | null;
  @ApiProperty({ type: 'integer', example: 0, description: 'Reversed since (minor units)' })
  reversedAmount!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2027-07-01T10:00:03.000Z',
  })
  paidAt!: string | null;
}

export class PayoutExclusionResponse {
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ example: 'Charles Babbage' }) payeeName!: string;
  @ApiProperty({ example: 'Analytical Press' }) publisherName!: string;
  @ApiProperty({ type: 'integer', example: 1200, description: 'Payable balance (minor units)' })
  amount!: number;
  @ApiProperty({
    enum: ['below-minimum', 'not-onboarded', 'payouts-not-enabled', 'on-hold', 'nothing-payable'],
    example: 'below-minimum',
  })
  reason!: string;
}

export class PayoutRunTotals {
  @ApiProperty({ type: 'integer', example: 2 }) items!: number;
  @ApiProperty({ type: 'integer', example: 250000 }) amount!: number;
  @ApiProperty({ type: 'integer', example: 0 }) draft!: number;
  @ApiProperty({ type: 'integer', example: 0 }) pending!: number;
  @ApiProperty({ type: 'integer', example: 2 }) paid!: number;
  @ApiProperty({ type: 'integer', example: 0 }) failed!: number;
  @ApiProperty({ type: 'integer', example: 0 }) cancelled!: number;
  @ApiProperty({ type: 'integer', example: 250000 }) paidAmount!: number;
}

export class PayoutRunResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PAYOUT_RUN_STATUSES, example: 'executing' }) status!: PayoutRunStatus;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 5000 }) minimumAmount!: number;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    nullable: true,
    example: null,
    description: 'The payees the run was limited to; null: every payee with a payable balance',
  })
  payeeIds!: string[] | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Grace (finance)',
    description: 'The name of the principal who drafted the run',
  })
  createdByName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) approvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Edsger (finance)' })
  approvedByName!: string | null;
  @ApiProperty({ format: 'date-time', example: '2027-07-01T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: PayoutRunTotals }) totals!: PayoutRunTotals;
  @ApiProperty({
    type: [PayoutItemResponse],
    description:
      'The first 200 items, by id; the rest from GET /v1/payout-runs/{id}/items?cursor=itemsNextCursor',
  })
  items!: PayoutItemResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'null when `items` holds every item; otherwise the cursor of GET …/{id}/items',
  })
  itemsNextCursor!: string | null;
  @ApiProperty({
    type: [PayoutExclusionResponse],
    description:
      'The first 200 payees left out, by payee id; the rest from GET /v1/payout-runs/{id}/exclusions?cursor=excludedNextCursor',
  })
  excluded!: PayoutExclusionResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'null when `excluded` holds every exclusion; otherwise the cursor of GET …/{id}/exclusions',
  })
  excludedNextCursor!: string | null;
}

/** A run in a list: its totals, without its items and exclusions (GET …/:id and …/:id/items). */
export class PayoutRunSummaryResponse extends OmitType(PayoutRunResponse, [
  'items',
  'itemsNextCursor',
  'excluded',
  'excludedNextCursor',
]) {}

export class ListPayoutRunsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PAYOUT_RUN_STATUSES, example: 'executing' })
  @IsOptional()
  @IsIn(PAYOUT_RUN_STATUSES)
  status?: PayoutRunStatus;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}

export class ListPayoutItemsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PAYOUT_ITEM_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(PAYOUT_ITEM_STATUSES)
  status?: PayoutItemStatus;
}
