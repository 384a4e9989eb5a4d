import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../common/auth/principal';
import { displayBalance } from '../ledger/ledger-accounts';
import { monthAfter, monthIndex, monthOf, monthRange } from '../ledger/overview-range';
import { safeMinor as safe } from '../common/money/minor-units';
import {
  CurrencyEarnings,
  DEFAULT_EARNINGS_TOP,
  EarningsBreakdownQuery,
  EarningsBreakdownResponse,
  EarningsFigures,
  EarningsQuery,
  EarningsResponse,
} from './dto/earnings.dto';
import {
  EARNINGS_BREAKDOWN,
  EarningsBreakdownRow,
  PAYEE_EARNINGS,
  PayeeEarningsRow,
} from './earnings.queries';

type Totals = Record<keyof EarningsFigures, bigint>;
const FIGURES: (keyof EarningsFigures)[] = [
  'earned',
  'accrued',
  'awaitingCollection',
  'payable',
  'inPayment',
  'paidOut',
];

function totalsOf(row: PayeeEarningsRow): Totals {
  return {
    earned: BigInt(row.earned),
    accrued: BigInt(row.accrued),
    awaitingCollection: displayBalance('payee-awaiting-collection', BigInt(row.awaiting)),
    payable: displayBalance('payee-payable', BigInt(row.payable)),
    inPayment: displayBalance('payout-pending', BigInt(row.pending)),
    paidOut: BigInt(row.paid_out),
  };
}

function figures(t: Totals): EarningsFigures {
  return {
    earned: safe(t.earned),
    accrued: safe(t.accrued),
    awaitingCollection: safe(t.awaitingCollection),
    payable: safe(t.payable),
    inPayment: safe(t.inPayment),
    paidOut: safe(t.paidOut),
  };
}

const zero = (): Totals => Object.fromEntries(FIGURES.map((f) => [f, 0n])) as unknown as Totals;

/** Usage types by name, the fees (null) last. */
function byUsage(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Ranked most first, then by id: the order the SQL limited them in. */
function ranked<T extends { amount: number }>(rows: T[], id: (row: T) => string): T[] {
  return rows.sort((a, b) => b.amount - a.amount || (id(a) < id(b) ? -1 : 1));
}

/**
 * A publisher's earnings: its payees' statements, balances and payouts per currency, and a
 * window's breakdown by month, usage type, work and licensee (SQL in earnings.queries.ts).
 */
@Injectable()
export class EarningsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async earnings(actor: Principal, query: EarningsQuery): Promise<EarningsResponse> {
    const currency = query.currency ?? null;
    const rows = await this.dataSource.query<PayeeEarningsRow[]>(PAYEE_EARNINGS, [
      actor.organizationId,
      currency,
    ]);
    const codes = [...new Set(rows.map((row) => row.currency))];
    if (currency && !codes.includes(currency)) codes.push(currency);
    return {
      currencies: codes.sort().map((code): CurrencyEarnings => {
        const sum = zero();
        let lastPostedPeriod: string | null = null;
        const payees = rows
          .filter((row) => row.currency === code)
          .map((row) => {
            if (row.last_posted && (!lastPostedPeriod || row.last_posted > lastPostedPeriod))
              lastPostedPeriod = row.last_posted;
            const totals = totalsOf(row);
            for (const f of FIGURES) sum[f] += totals[f];
            return { payeeId: row.payee_id, payeeName: row.payee_name, ...figures(totals) };
          });
        return { currency: code, ...figures(sum), lastPostedPeriod, payees };
      }),
    };
  }

  async breakdown(
    actor: Principal,
    query: EarningsBreakdownQuery,
    now = new Date(),
  ): Promise<EarningsBreakdownResponse> {
    const range = monthRange(now, query.from, query.to);
    const rows = await this.dataSource.query<EarningsBreakdownRow[]>(EARNINGS_BREAKDOWN, [
      actor.organizationId,
      query.currency,
      `${range.from}-01`,
      monthAfter(range.to),
      query.top ?? DEFAULT_EARNINGS_TOP,
    ]);
    const months = rows.filter((row) => row.part === 'month');
    const usages = [...new Set(months.map((row) => row.label))].sort(byUsage);
    const first = monthIndex(range.from);
    let total = 0n;
    const buckets = Array.from({ length: range.count }, (_, i) => {
      const key = monthOf(first + i);
      const of = months.filter((row) => row.key === key);
      const amounts = usages.map((usage) =>
        of.filter((row) => row.label === usage).reduce((sum, row) => sum + BigInt(row.amount), 0n),
      );
      const bucketTotal = amounts.reduce((sum, amount) => sum + amount, 0n);
      total += bucketTotal;
      return {
        key,
        total: safe(bucketTotal),
        byUsage: usages.map((usage, u) => ({ usage, amount: safe(amounts[u]) })),
      };
    });
    return {
      currency: query.currency,
      from: range.from,
      to: range.to,
      total: safe(total),
      usages,
      buckets,
      works: ranked(
        rows
          .filter((row) => row.part === 'work')
          .map((row) => ({ workId: row.key, title: row.label ?? '', amount: safe(row.amount) })),
        (row) => row.workId,
      ),
      licensees: ranked(
        rows
          .filter((row) => row.part === 'licensee')
          .map((row) => ({ licenseeId: row.key, name: row.label ?? '', amount: safe(row.amount) })),
        (row) => row.licenseeId,
      ),
    };
  }
}
