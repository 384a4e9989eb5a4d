import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsCurrencyCode } from '../../common/validation/iso-codes';

/** A calendar month, `YYYY-MM` (years 1000–9999). */
export const MONTH = /^[1-9][0-9]{3}-(0[1-9]|1[0-2])$/;
/** A calendar date's shape, `YYYY-MM-DD`; whether the day exists is checked after. */
export const DAY = /^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const MONTH_OR_DAY = /^[1-9][0-9]{3}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$/;
/** The longest series a chart answers: ten years of months, or 120 days. */
export const MAX_BUCKETS = 120;
export const DEFAULT_TOP = 10;
export const MAX_TOP = 50;

export class LedgerOverviewQuery {
  @ApiPropertyOptional({ example: 'EUR', description: 'Only this currency (default: every one)' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}

const Minor = (description: string, example: number) =>
  ApiProperty({ type: 'integer', example, description: `Minor units. ${description}` });

export class CurrencyOverview {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @Minor(
    'Royalties invoiced to licensees by posted royalty runs (credit notes negative): the sum of `invoices.amount` of posted runs, what the runs debited to `licensee-receivable`.',
    17000,
  )
  invoiced!: number;
  @Minor(
    'What licensees owe: the sum of the `licensee-receivable` balances that are positive (ledger_balances).',
    3000,
  )
  licenseesOwe!: number;
  @Minor(
    'What the platform owes licensees: `licensee-receivable` balances on the credit side (a credit note larger than what was owed), as a positive amount.',
    0,
  )
  licenseeCredit!: number;
  @Minor(
    'Licensee payments received: the debits to `platform-stripe-clearing` by invoice payments (ledger postings; each is a row of invoice_payments).',
    14000,
  )
  collected!: number;
  @Minor(
    "What payees earned, net of the platform's commission: invoiced − commission of posted runs, what the runs credited to the payees' `payee-awaiting-collection` / `payee-payable` (the sum of their statements' net).",
    15300,
  )
  payeesEarned!: number;
  @Minor(
    'What payees are owed: payeesPayable + payeesAwaitingCollection + payoutsPending. payeesEarned = payeesOwed + paidOut.',
    6300,
  )
  payeesOwed!: number;
  @Minor(
    'The `payee-payable` balances (ledger_balances): collected, free to pay out (negative where a restatement took back more than was payable).',
    3600,
  )
  payeesPayable!: number;
  @Minor(
    'The `payee-awaiting-collection` balances: earned on invoices the licensee has not paid yet (pay-when-paid).',
    2700,
  )
  payeesAwaitingCollection!: number;
  @Minor('The `payout-pending` balances: reserved by approved payout runs, not yet settled.', 0)
  payoutsPending!: number;
  @Minor(
    'Paid out to payees by Stripe transfers: the credits to `platform-stripe-clearing` by payout settlements, less the debits by transfer reversals (ledger postings).',
    9000,
  )
  paidOut!: number;
  @Minor("The platform's commission earned: the `platform-commission` balance.", 1700)
  commission!: number;
  @Minor(
    "Held on the platform's Stripe balance: the `platform-stripe-clearing` balance (collected − paidOut).",
    5000,
  )
  stripeClearing!: number;
}

export class LedgerOverviewResponse {
  @ApiProperty({
    type: [CurrencyOverview],
    description:
      'One entry per currency of the ledger, by code (never summed across currencies); with `?currency=`, that one, zeros if the ledger has none of it',
  })
  currencies!: CurrencyOverview[];
}

/** A chart's window of months in one currency: `from` and `to` (YYYY-MM), both optional. */
export class MonthWindowQuery {
  @ApiProperty({ example: 'EUR', description: 'The series is in one currency' })
  @IsCurrencyCode()
  currency!: string;

  @ApiPropertyOptional({
    example: '2027-01',
    description: 'First month (YYYY-MM) of the posted runs counted; default 11 months before `to`',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({
    example: '2027-12',
    description: `Last month (YYYY-MM), inclusive; default the current month (UTC). At most ${MAX_BUCKETS} months from \`from\``,
  })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to?: string;
}

export class RoyaltiesOverviewQuery extends MonthWindowQuery {
  @ApiPropertyOptional({
    enum: ['period', 'publisher'],
    default: 'period',
    description:
      "`period`: one bucket per month (by the month each posted run's period starts in), every month from `from` to `to`; `publisher`: the `top` publishers by invoiced, then the others together",
  })
  @IsOptional()
  @IsIn(['period', 'publisher'])
  groupBy?: 'period' | 'publisher';

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_TOP,
    default: DEFAULT_TOP,
    description: 'groupBy=publisher: how many publishers are named',
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TOP)
  top?: number;
}

export class RoyaltyFigures {
  @Minor('Invoiced to licensees (sum of `invoices.amount`)', 17000) invoiced!: number;
  @Minor("The platform's commission (sum of `invoices.commission`)", 1700) commission!: number;
  @Minor('Earned by payees: invoiced − commission', 15300) payeesEarned!: number;
}

export class RoyaltyBucket extends RoyaltyFigures {
  @ApiProperty({
    example: '2027-06',
    description: 'The month (YYYY-MM), or the publisher id',
  })
  key!: string;
  @ApiProperty({ example: '2027-06', description: "The month, or the publisher's name" })
  label!: string;
}

export class RoyaltyOthers extends RoyaltyFigures {
  @ApiProperty({ type: 'integer', example: 3, description: 'Publishers not named' })
  publishers!: number;
}

export class RoyaltiesOverviewResponse {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['period', 'publisher'] }) groupBy!: string;
  @ApiProperty({ example: '2027-01' }) from!: string;
  @ApiProperty({ example: '2027-12' }) to!: string;
  @ApiProperty({
    type: [RoyaltyBucket],
    description:
      'period: every month from `from` to `to`, oldest first, zeros where no run was posted; publisher: the top publishers, most invoiced first',
  })
  buckets!: RoyaltyBucket[];
  @ApiProperty({
    type: RoyaltyOthers,
    nullable: true,
    example: null,
    description: 'groupBy=publisher: the publishers after the top ones, together; else null',
  })
  others!: RoyaltyOthers | null;
}

export class PayoutsOverviewQuery {
  @ApiProperty({ example: 'EUR', description: 'The series is in one currency' })
  @IsCurrencyCode()
  currency!: string;

  @ApiPropertyOptional({ enum: ['day', 'month'], default: 'month' })
  @IsOptional()
  @IsIn(['day', 'month'])
  interval?: 'day' | 'month';

  @ApiPropertyOptional({
    example: '2027-01',
    description:
      'First bucket: YYYY-MM (interval=month) or YYYY-MM-DD (interval=day); default 11 months or 29 days before `to`',
  })
  @IsOptional()
  @Matches(MONTH_OR_DAY, { message: 'from must be a month (YYYY-MM) or a date (YYYY-MM-DD)' })
  from?: string;

  @ApiPropertyOptional({
    example: '2027-12',
    description: `Last bucket, inclusive, in the same form; default the current month or day (UTC). At most ${MAX_BUCKETS} buckets`,
  })
  @IsOptional()
  @Matches(MONTH_OR_DAY, { message: 'to must be a month (YYYY-MM) or a date (YYYY-MM-DD)' })
  to?: string;
}

export class PayoutBucket {
  @ApiProperty({ example: '2027-06', description: 'The month (YYYY-MM) or day (YYYY-MM-DD), UTC' })
  key!: string;
  @Minor('Sent by the Stripe transfers created in the bucket', 9000) paid!: number;
  @Minor('Of that, reversed since (transfer reversals)', 0) reversed!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Transfers created in the bucket' })
  transfers!: number;
}

export class PayoutsOverviewResponse {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['day', 'month'] }) interval!: string;
  @ApiProperty({ example: '2027-01' }) from!: string;
  @ApiProperty({ example: '2027-12' }) to!: string;
  @ApiProperty({
    type: [PayoutBucket],
    description: 'Every bucket from `from` to `to`, oldest first, zeros where nothing was paid',
  })
  buckets!: PayoutBucket[];
}
