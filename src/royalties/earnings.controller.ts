import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import {
  EarningsBreakdownQuery,
  EarningsBreakdownResponse,
  EarningsQuery,
  EarningsResponse,
} from './dto/earnings.dto';
import { EarningsService } from './earnings.service';

/** The publisher's Home: what its works earned, where that money is, and what it was earned on. */
@ApiTags('royalties')
@Roles('publisher')
@Controller('v1/earnings')
export class EarningsController {
  constructor(private readonly earnings: EarningsService) {}

  @Get()
  @ApiOperation({
    summary:
      "Per currency: what your payees earned and where it is now — accrued, awaiting the licensee's payment, payable, in payment, paid out",
    description:
      'All time, one entry per currency (never summed across currencies), integer minor units, for you and for each of your payees. earned: the net of your payees’ statements in posted runs; accrued: in runs calculated and not yet posted (finance may still recalculate them); awaitingCollection, payable, inPayment: the payees’ `payee-awaiting-collection`, `payee-payable` and `payout-pending` balances; paidOut: settled Stripe transfers less reversals. earned = awaitingCollection + payable + inPayment + paidOut.',
  })
  @ApiOk(EarningsResponse, {
    problems: [400, 401, 403, 429],
    example: {
      currencies: [
        {
          currency: 'EUR',
          earned: 16200,
          accrued: 900,
          awaitingCollection: 4050,
          payable: 4590,
          inPayment: 0,
          paidOut: 7560,
          lastPostedPeriod: '2027-06',
          payees: [
            {
              payeeId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
              payeeName: 'Ada Lovelace',
              earned: 8820,
              accrued: 630,
              awaitingCollection: 1260,
              payable: 0,
              inPayment: 0,
              paidOut: 7560,
            },
          ],
        },
      ],
    },
  })
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EarningsQuery,
  ): Promise<EarningsResponse> {
    return this.earnings.earnings(principal, query);
  }

  @Get('breakdown')
  @ApiOperation({
    summary:
      'What you earned in one currency by month and usage type, and the top works and licensees',
    description:
      'From the runs posted for periods starting in the window (default the 12 months to the current one, at most 120), net of commission: the sums of your payees’ statement lines. Every month from `from` to `to`, zeros included, split by usage type (null: fees tied to no usage type); the `top` works and licensees (default 10, at most 50) by what they earned you. 400 invalid-range if `from` is after `to` or the span is over 120 months.',
  })
  @ApiOk(EarningsBreakdownResponse, {
    problems: [400, 401, 403, 429],
    example: {
      currency: 'EUR',
      from: '2027-05',
      to: '2027-06',
      total: 16200,
      usages: ['ai-input', 'ai-train'],
      buckets: [
        {
          key: '2027-05',
          total: 9000,
          byUsage: [
            { usage: 'ai-input', amount: 0 },
            { usage: 'ai-train', amount: 9000 },
          ],
        },
        {
          key: '2027-06',
          total: 7200,
          byUsage: [
            { usage: 'ai-input', amount: 3600 },
            { usage: 'ai-train', amount: 3600 },
          ],
        },
      ],
      works: [
        {
          workId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
          title: 'The Analytical Engine',
          amount: 12600,
        },
      ],
      licensees: [
        { licenseeId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8e', name: 'Acme AI', amount: 15300 },
      ],
    },
  })
  breakdown(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EarningsBreakdownQuery,
  ): Promise<EarningsBreakdownResponse> {
    return this.earnings.breakdown(principal, query);
  }
}
