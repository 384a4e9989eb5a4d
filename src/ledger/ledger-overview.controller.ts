import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators';
import { ApiOk } from '../common/openapi/answers';
import {
  LedgerOverviewQuery,
  LedgerOverviewResponse,
  PayoutsOverviewQuery,
  PayoutsOverviewResponse,
  RoyaltiesOverviewQuery,
  RoyaltiesOverviewResponse,
} from './dto/ledger-overview.dto';
import { LedgerOverviewService } from './ledger-overview.service';

/** The finance console's Overview: read-only aggregates of the ledger and the tables behind it. */
@ApiTags('ledger')
@Controller('v1/ledger/overview')
export class LedgerOverviewController {
  constructor(private readonly overview: LedgerOverviewService) {}

  @Get()
  @Roles('finance')
  @ApiOperation({
    summary:
      'Per currency: invoiced, owed by licensees, collected, earned and owed by payees, paid out, commission',
    description:
      'All time, one entry per currency (never summed across currencies), integer minor units. Balances (licenseesOwe, licenseeCredit, payeesPayable, payeesAwaitingCollection, payoutsPending, commission, stripeClearing) are the ledger’s kept balances (`ledger_balances`) by account type; collected and paidOut are the postings to `platform-stripe-clearing` by invoice payments, payout settlements and transfer reversals; invoiced and payeesEarned are the invoices of posted royalty runs (what those runs posted). Each field says where it comes from. payeesEarned = payeesOwed + paidOut; invoiced = payeesEarned + commission.',
  })
  @ApiOk(LedgerOverviewResponse, {
    problems: [400, 401, 403, 429],
    example: {
      currencies: [
        {
          currency: 'EUR',
          invoiced: 17000,
          licenseesOwe: 3000,
          licenseeCredit: 0,
          collected: 14000,
          payeesEarned: 15300,
          payeesOwed: 6300,
          payeesPayable: 3600,
          payeesAwaitingCollection: 2700,
          payoutsPending: 0,
          paidOut: 9000,
          commission: 1700,
          stripeClearing: 5000,
        },
      ],
    },
  })
  get(@Query() query: LedgerOverviewQuery): Promise<LedgerOverviewResponse> {
    return this.overview.overview(query);
  }

  @Get('royalties')
  @Roles('finance')
  @ApiOperation({
    summary: 'Royalties of posted runs in one currency, by month or by publisher',
    description:
      'From the invoices of posted royalty runs (`invoices`, what each run posted to the ledger), by the month the run’s period starts in. groupBy=period: every month from `from` to `to` (at most 120), zeros where none; groupBy=publisher: the `top` publishers by invoiced (default 10, at most 50), then `others` together. 400 invalid-range if `from` is after `to` or the span is over 120 months.',
  })
  @ApiOk(RoyaltiesOverviewResponse, {
    problems: [400, 401, 403, 429],
    example: {
      currency: 'EUR',
      groupBy: 'publisher',
      from: '2027-01',
      to: '2027-12',
      buckets: [
        {
          key: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
          label: 'Acme Press',
          invoiced: 12000,
          commission: 1200,
          payeesEarned: 10800,
        },
      ],
      others: { publishers: 1, invoiced: 5000, commission: 500, payeesEarned: 4500 },
    },
  })
  royalties(@Query() query: RoyaltiesOverviewQuery): Promise<RoyaltiesOverviewResponse> {
    return this.overview.royalties(query);
  }

  @Get('payouts')
  @Roles('finance')
  @ApiOperation({
    summary: 'Payouts in one currency over time, by day or month',
    description:
      'From `payout_items` paid by a Stripe transfer, by the transfer’s creation time (UTC): the amount sent and what was reversed of it since. Every bucket from `from` to `to` (at most 120), zeros where none. The overview’s paidOut counts a transfer once its settlement is posted to the ledger, moments after. 400 invalid-range if `from` is after `to` or the span is over 120 buckets.',
  })
  @ApiOk(PayoutsOverviewResponse, {
    problems: [400, 401, 403, 429],
    example: {
      currency: 'EUR',
      interval: 'month',
      from: '2027-05',
      to: '2027-07',
      buckets: [
        { key: '2027-05', paid: 0, reversed: 0, transfers: 0 },
        { key: '2027-06', paid: 9000, reversed: 0, transfers: 1 },
        { key: '2027-07', paid: 0, reversed: 0, transfers: 0 },
      ],
    },
  })
  payouts(@Query() query: PayoutsOverviewQuery): Promise<PayoutsOverviewResponse> {
    return this.overview.payouts(query);
  }
}
