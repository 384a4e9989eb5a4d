import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Conflict } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { AccountKey, AccountType, displayBalance } from './ledger-accounts';
import { entryFingerprint, JournalEntry, journalEntryProblem } from './journal-entry';
import {
  ACCOUNT_IDS,
  APPLY_POSTINGS,
  BALANCES_OF,
  CLEAR_PENDING_POSTINGS,
  CREATE_ACCOUNTS,
  CREATE_BALANCES,
  CREATE_PENDING_POSTINGS,
  INSERT_POSTINGS,
  INSERT_TRANSACTION,
  LAST_TRANSACTION,
  LOCK_BALANCES,
  LOCK_LEDGER,
  OUTSTANDING_PAYEE_ADVANCES,
  STAGE_POSTINGS,
  TRANSACTION_BY_KEY,
} from './ledger.queries';

export interface PostedTransaction {
  id: string;
  seq: string;
  idempotencyKey: string;
  replayed: boolean;
}

const GENESIS = Buffer.alloc(32);

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
    await manager.query(CREATE_ACCOUNTS, params);
    const rows = await manager.query<{ n: string; id: string }[]>(ACCOUNT_IDS, [
      columns.types,
      columns.owners,
      columns.currencies,
    ]);
    return rows.map((row) => row.id);
  }

  /**
   * Takes the ledger's writer lock for the caller's transaction: balances read after it stay as
   * read until the caller commits (every posting takes the same lock first).
   */
  async lockForPosting(manager: EntityManager): Promise<void> {
    await manager.query(LOCK_LEDGER);
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
    >(BALANCES_OF, [type, currency, ownerIds ?? null]);
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
    await manager.query(LOCK_LEDGER);
    const [existing] = await manager.query<{ id: string; seq: string; request_hash: Buffer }[]>(
      TRANSACTION_BY_KEY,
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
    const [last] = await manager.query<{ seq: string; hash: Buffer }[]>(LAST_TRANSACTION);
    const seq = last ? (BigInt(last.seq) + 1n).toString() : '1';
    const id = newId();
    await manager.query(CREATE_BALANCES, [accounts]);
    await manager.query(LOCK_BALANCES, [accounts]);
    await manager.query(CREATE_PENDING_POSTINGS);
    await manager.query(CLEAR_PENDING_POSTINGS);
    const currencies = entry.postings.map((posting) => posting.account.currency);
    const amounts = entry.postings.map((posting) => posting.amount.toString());
    await manager.query(STAGE_POSTINGS, [id, accounts, currencies, amounts]);
    await manager.query(INSERT_TRANSACTION, [
      id,
      seq,
      entry.idempotencyKey,
      requestHash,
      entry.reason,
      JSON.stringify(entry.refs),
      last?.hash ?? GENESIS,
    ]);
    await manager.query(INSERT_POSTINGS);
    await manager.query(APPLY_POSTINGS);
    return { id, seq, idempotencyKey: entry.idempotencyKey, replayed: false };
  }

  /** Payees' advances not yet repaid (the debit balances of their payee-advance accounts). */
  async outstandingPayeeAdvances(
    manager: EntityManager,
  ): Promise<{ payeeId: string; currency: string; outstanding: string }[]> {
    const rows = await manager.query<{ owner_id: string; currency: string; balance: string }[]>(
      OUTSTANDING_PAYEE_ADVANCES,
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
