import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Conflict } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { AccountKey, AccountType, displayBalance } from './ledger-accounts';
import { entryFingerprint, JournalEntry, journalEntryProblem } from './journal-entry';

export interface PostedTransaction {
  id: string;
  seq: string;
  idempotencyKey: string;
  replayed: boolean;
}

const GENESIS = Buffer.alloc(32);

/**
 * The SQL that hashes one transaction from its stored fields and postings: verification
 * recomputes exactly this. $prev is the previous transaction's hash (32 zero bytes first).
 */
export const TRANSACTION_HASH_SQL = (t: string, postings: string) => `
  sha256(${t}.prev_hash || convert_to(
    ${t}.id::text || '|' || ${t}.seq::text || '|' || ${t}.idempotency_key || '|' || ${t}.reason
    || '|' || ${t}.refs::text || '|' ||
    (SELECT string_agg(p.n::text || ':' || p.account_id::text || ':' || p.currency || ':' || p.amount::text,
                       ',' ORDER BY p.n)
       FROM ${postings} p WHERE p.transaction_id = ${t}.id), 'UTF8'))`;

/**
 * The double-entry ledger: balanced, append-only journal transactions with a hash chain, and
 * balances kept under locks in a fixed order. Other modules post through `post` inside their own
 * database transaction, so a money movement and its cause commit together or not at all.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account for a key, created on first use. */
  async account(manager: EntityManager, key: AccountKey): Promise<string> {
    return (await this.accounts(manager, [key]))[0];
  }

  /** The accounts for keys (in their order), those not seen before created: two statements. */
  async accounts(manager: EntityManager, keys: AccountKey[]): Promise<string[]> {
    const columns = {
      ids: keys.map(() => newId()),
      types: keys.map((k) => k.type),
      owners: keys.map((k) => k.ownerId),
      organizations: keys.map((k) => k.organizationId),
      currencies: keys.map((k) => k.currency),
    };
    const params = [
      columns.ids,
      columns.types,
      columns.owners,
      columns.organizations,
      columns.currencies,
    ];
    await manager.query(
      `INSERT INTO ledger_accounts (id, type, owner_id, organization_id, currency)
       SELECT DISTINCT ON (type, owner_id, currency) id, type, owner_id, organization_id, currency
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[])
              AS k(id, type, owner_id, organization_id, currency)
       ORDER BY type, owner_id, currency
       ON CONFLICT (type, owner_id, currency) DO NOTHING`,
      params,
    );
    const rows = await manager.query<{ n: string; id: string }[]>(
      `SELECT k.n, a.id
         FROM unnest($1::text[], $2::uuid[], $3::text[]) WITH ORDINALITY AS k(type, owner_id, currency, n)
         JOIN ledger_accounts a
           ON a.type = k.type AND a.currency = k.currency
          -- An equality (not IS NOT DISTINCT FROM), so thousands of keys join by hash.
          AND COALESCE(a.owner_id, '00000000-0000-0000-0000-000000000000')
            = COALESCE(k.owner_id, '00000000-0000-0000-0000-000000000000')
        ORDER BY k.n`,
      [columns.types, columns.owners, columns.currencies],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Takes the ledger's writer lock for the caller's transaction: balances read after it stay as
   * read until the caller commits (every posting takes the same lock first).
   */
  async lockForPosting(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('ledger-chain'))`);
  }

  /**
   * Balances of one account type in one currency, on the account's normal side, for the given
   * owners (or every owner), only those not zero.
   */
  async balancesOf(
    manager: EntityManager,
    type: AccountType,
    currency: string,
    ownerIds?: string[],
  ): Promise<{ ownerId: string; organizationId: string | null; balance: bigint }[]> {
    const rows = await manager.query<
      { owner_id: string; organization_id: string | null; balance: string }[]
    >(
      `SELECT a.owner_id, a.organization_id, b.balance
         FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
        WHERE a.type = $1 AND a.currency = $2 AND b.balance <> 0
          AND ($3::uuid[] IS NULL OR a.owner_id = ANY ($3::uuid[]))
        ORDER BY a.owner_id`,
      [type, currency, ownerIds ?? null],
    );
    return rows.map((row) => ({
      ownerId: row.owner_id,
      organizationId: row.organization_id,
      balance: displayBalance(type, BigInt(row.balance)),
    }));
  }

  /**
   * Posts one journal transaction, once: the same idempotency key with the same entry returns
   * the first transaction; with another entry it is a 409. Runs in the caller's transaction.
   */
  async post(manager: EntityManager, entry: JournalEntry): Promise<PostedTransaction> {
    const problem = journalEntryProblem(entry);
    if (problem) throw new Error(`refusing an unbalanced ledger entry: ${problem}`);
    const requestHash = createHash('sha256').update(entryFingerprint(entry)).digest();
    // One writer at a time extends the chain; it also orders every balance update.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('ledger-chain'))`);
    const [existing] = await manager.query<{ id: string; seq: string; request_hash: Buffer }[]>(
      `SELECT id, seq, request_hash FROM ledger_transactions WHERE idempotency_key = $1`,
      [entry.idempotencyKey],
    );
    if (existing) {
      if (!existing.request_hash.equals(requestHash)) {
        throw new Conflict(
          'ledger-idempotency-conflict',
          `Ledger key ${entry.idempotencyKey} was used for a different transaction`,
          { transactionId: existing.id },
        );
      }
      return {
        id: existing.id,
        seq: existing.seq,
        idempotencyKey: entry.idempotencyKey,
        replayed: true,
      };
    }
    const accounts = await this.accounts(
      manager,
      entry.postings.map((posting) => posting.account),
    );
    const [last] = await manager.query<{ seq: string; hash: Buffer }[]>(
      `SELECT seq, hash FROM ledger_transactions ORDER BY seq DESC LIMIT 1`,
    );
    const seq = last ? (BigInt(last.seq) + 1n).toString() : '1';
    const id = newId();
    await manager.query(
      `INSERT INTO ledger_balances (account_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`,
      [accounts],
    );
    await manager.query(
      `SELECT account_id FROM ledger_balances WHERE account_id = ANY ($1::uuid[])
        ORDER BY account_id FOR UPDATE`,
      [accounts],
    );
    await manager.query(
      `CREATE TEMP TABLE IF NOT EXISTS pending_postings
         (transaction_id uuid, n int, account_id uuid, currency text, amount bigint) ON COMMIT DROP`,
    );
    await manager.query(`DELETE FROM pending_postings`);
    const currencies = entry.postings.map((posting) => posting.account.currency);
    const amounts = entry.postings.map((posting) => posting.amount.toString());
    await manager.query(
      `INSERT INTO pending_postings
       SELECT $1::uuid, n::int, account_id, currency, amount
         FROM unnest($2::uuid[], $3::text[], $4::bigint[]) WITH ORDINALITY AS p(account_id, currency, amount, n)`,
      [id, accounts, currencies, amounts],
    );
    await manager.query(
      `INSERT INTO ledger_transactions (id, seq, idempotency_key, request_hash, reason, refs, prev_hash, hash)
       SELECT t.id, t.seq, t.idempotency_key, t.request_hash, t.reason, t.refs, t.prev_hash,
              ${TRANSACTION_HASH_SQL('t', 'pending_postings')}
         FROM (SELECT $1::uuid AS id, $2::bigint AS seq, $3::text AS idempotency_key,
                      $4::bytea AS request_hash, $5::text AS reason, $6::jsonb AS refs,
                      $7::bytea AS prev_hash) t`,
      [
        id,
        seq,
        entry.idempotencyKey,
        requestHash,
        entry.reason,
        JSON.stringify(entry.refs),
        last?.hash ?? GENESIS,
      ],
    );
    await manager.query(
      `INSERT INTO ledger_postings (transaction_id, n, account_id, currency, amount)
       SELECT transaction_id, n, account_id, currency, amount FROM pending_postings ORDER BY n`,
    );
    await manager.query(
      `UPDATE ledger_balances b SET balance = b.balance + d.delta, updated_at = now()
         FROM (SELECT account_id, sum(amount) AS delta FROM pending_postings GROUP BY account_id) d
        WHERE b.account_id = d.account_id`,
    );
    return { id, seq, idempotencyKey: entry.idempotencyKey, replayed: false };
  }

  /** Payees' advances not yet repaid (the debit balances of their payee-advance accounts). */
  async outstandingPayeeAdvances(
    manager: EntityManager,
  ): Promise<{ payeeId: string; currency: string; outstanding: string }[]> {
    const rows = await manager.query<{ owner_id: string; currency: string; balance: string }[]>(
      `SELECT a.owner_id, a.currency, b.balance FROM ledger_accounts a
         JOIN ledger_balances b ON b.account_id = a.id
        WHERE a.type = 'payee-advance' AND b.balance > 0
        ORDER BY a.owner_id, a.currency`,
    );
    return rows.map((row) => ({
      payeeId: row.owner_id,
      currency: row.currency,
      outstanding: row.balance,
    }));
  }

  /** Posts in a transaction of its own (for callers without one). */
  postNow(entry: JournalEntry): Promise<PostedTransaction> {
    return this.dataSource.transaction((manager) => this.post(manager, entry));
  }
}
