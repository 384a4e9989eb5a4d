import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { decodeDigitsCursor, encodeNumberCursor } from '../common/pagination/number-cursor';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination/page';
import {
  AccountBalanceResponse,
  BalancesQuery,
  BalancesResponse,
  LedgerEntriesResponse,
  LedgerVerificationResponse,
  ListEntriesQuery,
  TrialBalanceResponse,
} from './dto/ledger.dto';
import { AccountType, displayBalance, NORMAL_SIDE } from './ledger-accounts';
import {
  ALL_BALANCES,
  BALANCE_MISMATCHES,
  BALANCES_PAGE,
  CHAIN_CHECK,
  ENTRIES_PAGE,
  READABLE_ACCOUNT,
} from './ledger-reports.queries';
import { isUuid } from '../common/ids';
import { safeMinor as safe } from '../common/money/minor-units';

interface AccountRow {
  id: string;
  type: AccountType;
  owner_id: string | null;
  organization_id: string | null;
  currency: string;
  balance: string;
}

function toBalance(row: AccountRow): AccountBalanceResponse {
  return {
    accountId: row.id,
    type: row.type,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: safe(displayBalance(row.type, BigInt(row.balance))),
    normalSide: NORMAL_SIDE[row.type],
  };
}

/** Reads of the ledger: balances, an account's entries, the trial balance and verification. */
@Injectable()
export class LedgerReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Publishers see their payees' accounts, licensees their own, finance every account: a page at
   * a time (finance's view grows with every payee), by currency, type, owner (none last) and id;
   * the cursor is the last account's id, and the next page starts after its sort key.
   */
  async balances(actor: Principal, query: BalancesQuery): Promise<BalancesResponse> {
    const everyone = actor.role === 'finance' || actor.role === 'admin';
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.dataSource.query<AccountRow[]>(BALANCES_PAGE, [
      everyone,
      actor.organizationId,
      query.currency ?? null,
      query.cursor ? decodeCursor(query.cursor) : null,
      limit + 1,
      query.ownerId ?? null,
    ]);
    const data = rows.slice(0, limit);
    return {
      data: data.map(toBalance),
      nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1].id) : null,
    };
  }

  async entries(
    actor: Principal,
    accountId: string,
    query: ListEntriesQuery,
  ): Promise<LedgerEntriesResponse> {
    const everyone = actor.role === 'finance' || actor.role === 'admin';
    const [account] = isUuid(accountId)
      ? await this.dataSource.query<{ id: string }[]>(READABLE_ACCOUNT, [
          accountId,
          everyone,
          actor.organizationId,
        ])
      : [];
    if (!account) throw new ResourceNotFound('ledger-account', accountId);
    const limit = query.limit ?? 50;
    const before = query.cursor ? decodeDigitsCursor('s', 19, query.cursor) : null;
    const rows = await this.dataSource.query<
      {
        id: string;
        seq: string;
        reason: string;
        refs: Record<string, string>;
        amount: string;
        created_at: Date;
      }[]
    >(ENTRIES_PAGE, [account.id, before, limit + 1]);
    const data = rows.slice(0, limit).map((row) => ({
      transactionId: row.id,
      seq: row.seq,
      reason: row.reason,
      refs: row.refs,
      amount: safe(row.amount),
      createdAt: row.created_at.toISOString(),
    }));
    return {
      data,
      nextCursor: rows.length > limit ? encodeNumberCursor('s', data[data.length - 1].seq) : null,
    };
  }

  async trialBalance(): Promise<TrialBalanceResponse> {
    const rows = await this.dataSource.query<AccountRow[]>(ALL_BALANCES);
    const totals = new Map<string, { debits: bigint; credits: bigint }>();
    for (const row of rows) {
      const total = totals.get(row.currency) ?? { debits: 0n, credits: 0n };
      const balance = BigInt(row.balance);
      if (balance > 0n) total.debits += balance;
      else total.credits -= balance;
      totals.set(row.currency, total);
    }
    const byCurrency = [...totals].map(([currency, { debits, credits }]) => ({
      currency,
      debits: safe(debits),
      credits: safe(credits),
      sum: safe(debits - credits),
    }));
    return {
      accounts: rows.map((row) => ({ ...toBalance(row), signedBalance: safe(row.balance) })),
      totals: byCurrency,
      balanced: byCurrency.every((total) => total.sum === 0),
    };
  }

  /** Recomputes every transaction's hash and link in order, and every kept balance. */
  async verify(): Promise<LedgerVerificationResponse> {
    const [chain] =
      await this.dataSource.query<
        { transactions: string; seq: string | null; id: string | null; problem: string | null }[]
      >(CHAIN_CHECK);
    const mismatches =
      await this.dataSource.query<{ account_id: string; kept: string; from_postings: string }[]>(
        BALANCE_MISMATCHES,
      );
    const firstBreak =
      chain.seq !== null && chain.id !== null && chain.problem !== null
        ? { seq: chain.seq, transactionId: chain.id, problem: chain.problem }
        : null;
    return {
      ok: firstBreak === null && mismatches.length === 0,
      transactions: Number(chain.transactions),
      firstBreak,
      balanceMismatches: mismatches.map((row) => ({
        accountId: row.account_id,
        kept: safe(row.kept),
        fromPostings: safe(row.from_postings),
      })),
    };
  }
}
