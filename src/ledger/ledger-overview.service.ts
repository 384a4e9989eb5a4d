import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  CurrencyOverview,
  DEFAULT_TOP,
  LedgerOverviewQuery,
  LedgerOverviewResponse,
  PayoutsOverviewQuery,
  PayoutsOverviewResponse,
  RoyaltiesOverviewQuery,
  RoyaltiesOverviewResponse,
  RoyaltyFigures,
} from './dto/ledger-overview.dto';
import { AccountType, displayBalance } from './ledger-accounts';
import {
  BALANCES_BY_TYPE,
  BalanceByTypeRow,
  CLEARING_FLOWS,
  ClearingFlowRow,
  InvoiceTotalsRow,
  PAYOUTS_BY_BUCKET,
  PayoutBucketRow,
  POSTED_INVOICE_TOTALS,
  ROYALTIES_BY_MONTH,
  ROYALTIES_BY_PUBLISHER,
  RoyaltyMonthRow,
  RoyaltyPublisherRow,
} from './ledger-overview.queries';
import { dayRange, monthAfter, monthRange } from './overview-range';
import { safeMinor as safe } from '../common/money/minor-units';

function royaltyFigures(invoiced: string, commission: string): RoyaltyFigures {
  return {
    invoiced: safe(invoiced),
    commission: safe(commission),
    payeesEarned: safe(BigInt(invoiced) - BigInt(commission)),
  };
}

/** The finance console's overview: per-currency figures and two bounded series (SQL in ledger-overview.queries.ts). */
@Injectable()
export class LedgerOverviewService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async overview(query: LedgerOverviewQuery): Promise<LedgerOverviewResponse> {
    const currency = query.currency ?? null;
    const [balances, flows, invoices] = await Promise.all([
      this.dataSource.query<BalanceByTypeRow[]>(BALANCES_BY_TYPE, [currency]),
      this.dataSource.query<ClearingFlowRow[]>(CLEARING_FLOWS, [currency]),
      this.dataSource.query<InvoiceTotalsRow[]>(POSTED_INVOICE_TOTALS, [currency]),
    ]);
    const currencies = new Set<string>([
      ...balances.map((row) => row.currency),
      ...flows.map((row) => row.currency),
      ...invoices.map((row) => row.currency),
    ]);
    if (currency) currencies.add(currency);
    return {
      currencies: [...currencies].sort().map((code) => {
        const balance = (type: AccountType) => {
          const row = balances.find((b) => b.currency === code && b.type === type);
          return row ? displayBalance(type, BigInt(row.signed)) : 0n;
        };
        const receivable = balances.find(
          (b) => b.currency === code && b.type === 'licensee-receivable',
        );
        const owe = receivable ? BigInt(receivable.debits) : 0n;
        const flow = flows.find((f) => f.currency === code);
        const invoiced = invoices.find((i) => i.currency === code);
        const payable = balance('payee-payable');
        const awaiting = balance('payee-awaiting-collection');
        const pending = balance('payout-pending');
        const figures: CurrencyOverview = {
          currency: code,
          invoiced: safe(invoiced?.invoiced ?? '0'),
          licenseesOwe: safe(owe),
          licenseeCredit: safe(owe - balance('licensee-receivable')),
          collected: safe(flow?.collected ?? '0'),
          payeesEarned: safe(
            BigInt(invoiced?.invoiced ?? '0') - BigInt(invoiced?.commission ?? '0'),
          ),
          payeesOwed: safe(payable + awaiting + pending),
          payeesPayable: safe(payable),
          payeesAwaitingCollection: safe(awaiting),
          payoutsPending: safe(pending),
          paidOut: safe(BigInt(flow?.settled ?? '0') - BigInt(flow?.reversed ?? '0')),
          commission: safe(balance('platform-commission')),
          stripeClearing: safe(balance('platform-stripe-clearing')),
        };
        return figures;
      }),
    };
  }

  async royalties(
    query: RoyaltiesOverviewQuery,
    now = new Date(),
  ): Promise<RoyaltiesOverviewResponse> {
    const range = monthRange(now, query.from, query.to);
    const groupBy = query.groupBy ?? 'period';
    const head = { currency: query.currency, groupBy, from: range.from, to: range.to };
    if (groupBy === 'period') {
      const rows = await this.dataSource.query<RoyaltyMonthRow[]>(ROYALTIES_BY_MONTH, [
        query.currency,
        `${range.from}-01`,
        range.count,
      ]);
      return {
        ...head,
        buckets: rows.map((row) => ({
          key: row.key,
          label: row.key,
          ...royaltyFigures(row.invoiced, row.commission),
        })),
        others: null,
      };
    }
    const top = query.top ?? DEFAULT_TOP;
    const rows = await this.dataSource.query<RoyaltyPublisherRow[]>(ROYALTIES_BY_PUBLISHER, [
      query.currency,
      `${range.from}-01`,
      monthAfter(range.to),
      top,
    ]);
    const named = rows.filter((row) => Number(row.position) <= top);
    const rest = rows.find((row) => Number(row.position) > top);
    return {
      ...head,
      buckets: named.map((row) => ({
        key: row.publisher_id,
        label: row.name ?? row.publisher_id,
        ...royaltyFigures(row.invoiced, row.commission),
      })),
      others: rest
        ? { publishers: Number(rest.publishers), ...royaltyFigures(rest.invoiced, rest.commission) }
        : null,
    };
  }

  async payouts(query: PayoutsOverviewQuery, now = new Date()): Promise<PayoutsOverviewResponse> {
    const interval = query.interval ?? 'month';
    const range =
      interval === 'month'
        ? monthRange(now, query.from, query.to)
        : dayRange(now, query.from, query.to);
    const start = (bucket: string) => (interval === 'month' ? `${bucket}-01` : bucket);
    const rows = await this.dataSource.query<PayoutBucketRow[]>(PAYOUTS_BY_BUCKET, [
      query.currency,
      `${start(range.from)}T00:00:00`,
      `${start(range.to)}T00:00:00`,
      interval === 'month' ? '1 month' : '1 day',
      interval === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD',
    ]);
    return {
      currency: query.currency,
      interval,
      from: range.from,
      to: range.to,
      buckets: rows.map((row) => ({
        key: row.key,
        paid: safe(row.paid),
        reversed: safe(row.reversed),
        transfers: Number(row.transfers),
      })),
    };
  }
}
