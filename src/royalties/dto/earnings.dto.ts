import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCurrencyCode } from '../../common/validation/iso-codes';
import { MonthWindowQuery } from '../../ledger/dto/ledger-overview.dto';

export const DEFAULT_EARNINGS_TOP = 10;
export const MAX_EARNINGS_TOP = 50;

const Minor = (description: string, example: number) =>
  ApiProperty({ type: 'integer', example, description: `Minor units. ${description}` });

export class EarningsQuery {
  @ApiPropertyOptional({ example: 'EUR', description: 'Only this currency (default: every one)' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}

/** The figures of one payee, or of the whole publisher, in one currency. */
export class EarningsFigures {
  @Minor(
    "Earned in posted royalty runs, net of the platform's commission: the sum of the statements' net (what posting credited to the payees). earned = awaitingCollection + payable + inPayment + paidOut.",
    540000,
  )
  earned!: number;
  @Minor(
    'In royalty runs calculated but not yet posted (a preview that finance may still recalculate): the sum of their statements’ net. Not in `earned`.',
    0,
  )
  accrued!: number;
  @Minor(
    'Posted, awaiting the licensee’s payment (pay-when-paid): the `payee-awaiting-collection` balances.',
    162000,
  )
  awaitingCollection!: number;
  @Minor(
    'Collected and free to pay out: the `payee-payable` balances (negative where a restatement took back more than was payable).',
    378000,
  )
  payable!: number;
  @Minor('Reserved by approved payout runs, not yet settled: the `payout-pending` balances.', 0)
  inPayment!: number;
  @Minor(
    'Paid out by Stripe transfers whose settlement is posted, less what was reversed of them (payout items).',
    0,
  )
  paidOut!: number;
}

export class PayeeEarnings extends EarningsFigures {
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) payeeName!: string;
}

export class CurrencyEarnings extends EarningsFigures {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2027-06',
    description:
      'The month (YYYY-MM) the latest posted run that earned you something in this currency starts in; null if none — where a chart of the breakdown can end',
  })
  lastPostedPeriod!: string | null;
  @ApiProperty({
    type: [PayeeEarnings],
    description:
      'Each payee of yours with a statement, a balance or a payout in this currency, by name; their figures add up to the currency’s',
  })
  payees!: PayeeEarnings[];
}

export class EarningsResponse {
  @ApiProperty({
    type: [CurrencyEarnings],
    description:
      'One entry per currency you earned in, by code (never summed across currencies); with `?currency=`, that one, zeros if none',
  })
  currencies!: CurrencyEarnings[];
}

export class EarningsBreakdownQuery extends MonthWindowQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_EARNINGS_TOP,
    default: DEFAULT_EARNINGS_TOP,
    description: 'How many works and licensees are listed',
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EARNINGS_TOP)
  top?: number;
}

export class UsageAmount {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ai-train',
    description:
      'The usage type; null for fees tied to no usage type (a flat fee, a minimum guarantee or an advance without usage to spread over)',
  })
  usage!: string | null;
  @Minor('Net earned', 540000) amount!: number;
}

export class EarningsBucket {
  @ApiProperty({ example: '2027-06', description: 'The month the runs’ periods start in' })
  key!: string;
  @Minor('Net earned in the month, every usage type', 540000) total!: number;
  @ApiProperty({
    type: [UsageAmount],
    description:
      'One entry per usage type of the response’s `usages`, in that order, zeros included',
  })
  byUsage!: UsageAmount[];
}

export class WorkEarnings {
  @ApiProperty({ format: 'uuid' }) workId!: string;
  @ApiProperty({ example: 'The Analytical Engine' }) title!: string;
  @Minor('Net earned in the window', 378000) amount!: number;
}

export class LicenseeEarnings {
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Acme AI' }) name!: string;
  @Minor('Net earned in the window from this licensee’s invoices', 540000) amount!: number;
}

export class EarningsBreakdownResponse {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2027-01' }) from!: string;
  @ApiProperty({ example: '2027-12' }) to!: string;
  @Minor('Net earned in the window: the sum of the buckets', 540000) total!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', nullable: true },
    example: ['ai-train'],
    description: 'The usage types earned on in the window, by name (null, the fees, last)',
  })
  usages!: (string | null)[];
  @ApiProperty({
    type: [EarningsBucket],
    description: 'Every month from `from` to `to`, oldest first, zeros where nothing was posted',
  })
  buckets!: EarningsBucket[];
  @ApiProperty({
    type: [WorkEarnings],
    description: 'The `top` works by net earned in the window, most first (then by id)',
  })
  works!: WorkEarnings[];
  @ApiProperty({
    type: [LicenseeEarnings],
    description: 'The `top` licensees by net earned in the window, most first (then by id)',
  })
  licensees!: LicenseeEarnings[];
}
