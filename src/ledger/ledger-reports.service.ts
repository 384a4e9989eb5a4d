import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { BadRequest, ResourceNotFound } from '../common/errors/domain-error';
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
import { TRANSACTION_HASH_SQL } from './ledger.service';
import { isUuid } from '../common/ids';

/** Amounts leave as JSON numbers; past 2^53 minor units they would not be exact. */
function safe(value: bigint | string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new Error(`amount ${String(value)} is not a safe integer`);
  return number;
}

/** Sorts accounts without an owner (the platform's) after every owner, as NULLS LAST did. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

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
    const key = `(a.currency, a.type, a.owner_id IS NULL, COALESCE(a.owner_id, '${NIL_UUID}'), a.id)`;
    const rows = await this.dataSource.query<AccountRow[]>(
      `SELECT a.id, a.type, a.owner_id, a.organization_id, a.currency, COALESCE(b.balance, 0) AS balance
         FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id
        WHERE ($1::boolean OR a.organization_id = $2) AND ($3::text IS NULL OR a.currency = $3)
          AND ($6::uuid IS NULL OR a.owner_id = $6)
          AND ($4::uuid IS NULL OR ${key} > (
                SELECT c.currency, c.type, c.owner_id IS NULL, COALESCE(c.owner_id, '${NIL_UUID}'), c.id
                  FROM ledger_accounts c WHERE c.id = $4))
        ORDER BY a.currency, a.type, a.owner_id IS NULL, COALESCE(a.owner_id, '${NIL_UUID}'), a.id
        LIMIT $5`,
      [
        everyone,
        actor.organizationId,
        query.currency ?? null,
        query.cursor ? decodeCursor(query.cursor) : null,
        limit + 1,
        query.ownerId ?? null,
      ],
    );
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
      ? await this.dataSource.query<{ id: string }[]>(
          `SELECT id FROM ledger_accounts WHERE id = $1 AND ($2::boolean OR organization_id = $3)`,
          [accountId, everyone, actor.organizationId],
        )
      : [];
    if (!account) throw new ResourceNotFound('ledger-account', accountId);
    const limit = query.limit ?? 50;
    let before: string | null = null;
    if (query.cursor) {
      const match = /^s(\d{1,19})$/.exec(Buffer.from(query.cursor, 'base64url').toString());
      if (!match) {
        throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
          errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
        });
      }
      before = match[1];
    }
    const rows = await this.dataSource.query<
      {
        id: string;
        seq: string;
        reason: string;
        refs: Record<string, string>;
        amount: string;
        created_at: Date;
      }[]
    >(
      `SELECT t.id, t.seq, t.reason, t.refs, sum(p.amount) AS amount, t.created_at
         FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
        WHERE p.account_id = $1 AND ($2::bigint IS NULL OR t.seq < $2)
        GROUP BY t.id ORDER BY t.seq DESC LIMIT $3`,
      [account.id, before, limit + 1],
    );
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
      nextCursor:
        rows.length > limit
          ? Buffer.from(`s${data[data.length - 1].seq}`).toString('base64url')
          : null,
    };
  }

  async trialBalance(): Promise<TrialBalanceResponse> {
    const rows = await this.dataSource.query<AccountRow[]>(
      `SELECT a.id, a.type, a.owner_id, a.organization_id, a.currency, COALESCE(b.balance, 0) AS balance
         FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id
        ORDER BY a.currency, a.type, a.owner_id, a.id`,
    );
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
    const [chain] = await this.dataSource.query<
      { transactions: string; seq: string | null; id: string | null; problem: string | null }[]
    >(
      `WITH checked AS (
         SELECT t.seq, t.id,
                CASE WHEN t.prev_hash <> COALESCE(lag(t.hash) OVER (ORDER BY t.seq), '\\x${'00'.repeat(32)}'::bytea)
                       THEN 'prev_hash does not match the previous transaction''s hash'
                     WHEN t.hash <> ${TRANSACTION_HASH_SQL('t', 'ledger_postings')}
                       THEN 'hash does not match the transaction and its postings'
                     WHEN t.seq <> row_number() OVER (ORDER BY t.seq)
                       THEN 'a transaction is missing before this one' END AS problem
           FROM ledger_transactions t)
       SELECT (SELECT count(*) FROM ledger_transactions) AS transactions, c.seq, c.id, c.problem
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT * FROM checked WHERE problem IS NOT NULL ORDER BY seq LIMIT 1) c ON true`,
    );
    const mismatches = await this.dataSource.query<
      { account_id: string; kept: string; from_postings: string }[]
    >(
      `SELECT a.id AS account_id, COALESCE(b.balance, 0) AS kept, COALESCE(p.total, 0) AS from_postings
         FROM ledger_accounts a
         LEFT JOIN ledger_balances b ON b.account_id = a.id
         LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_postings GROUP BY account_id) p
           ON p.account_id = a.id
        WHERE COALESCE(b.balance, 0) <> COALESCE(p.total, 0)
        ORDER BY a.id`,
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
