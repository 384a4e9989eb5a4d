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
  CREATE_ACCOUNTS,
  CREATE_BALANCES,
  INSERT_POSTINGS,
  INSERT_TRANSACTIONS,
  LAST_TRANSACTION,
  LOCK_BALANCES,
  LOCK_LEDGER,
  OUTSTANDING_PAYEE_ADVANCES,
  TRANSACTION_CONTENTS,
  TRANSACTIONS_BY_KEY,
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
    return (await this.postMany(manager, [entry]))[0];
  }

  /**
   * Posts journal transactions in the order given, each once (as `post`), with a handful of
   * statements however many there are: the chain lock is taken once and held to the caller's
   * commit, so posting thousands together costs one writer's turn, not thousands.
   */
  async postMany(manager: EntityManager, entries: JournalEntry[]): Promise<PostedTransaction[]> {
    if (!entries.length) return [];
    const hashes = entries.map((entry) => {
      const problem = journalEntryProblem(entry);
      if (problem) throw new Error(`refusing an unbalanced ledger entry: ${problem}`);
      return createHash('sha256').update(entryFingerprint(entry)).digest();
    });
    // One writer at a time extends the chain; it also orders every balance update.
    await manager.query(LOCK_LEDGER);
    const known = new Map<string, { id: string; seq: string; hash: Buffer }>();
    const existing = await manager.query<
      { id: string; seq: string; idempotency_key: string; request_hash: Buffer }[]
    >(TRANSACTIONS_BY_KEY, [[...new Set(entries.map((entry) => entry.idempotencyKey))]]);
    for (const row of existing) {
      known.set(row.idempotency_key, { id: row.id, seq: row.seq, hash: row.request_hash });
    }
    const [last] = await manager.query<{ seq: string; hash: Buffer }[]>(LAST_TRANSACTION);
    let seq = last ? BigInt(last.seq) : 0n;
    const posted: PostedTransaction[] = [];
    const fresh: { entry: JournalEntry; id: string; seq: string; requestHash: Buffer }[] = [];
    entries.forEach((entry, i) => {
      const key = entry.idempotencyKey;
      const first = known.get(key);
      if (first) {
        if (!first.hash.equals(hashes[i])) {
          throw new Conflict(
            'ledger-idempotency-conflict',
            `Ledger key ${key} was used for a different transaction`,
            { transactionId: first.id },
          );
        }
        posted.push({ id: first.id, seq: first.seq, idempotencyKey: key, replayed: true });
        return;
      }
      seq += 1n;
      const transaction = { entry, id: newId(), seq: seq.toString(), requestHash: hashes[i] };
      known.set(key, { id: transaction.id, seq: transaction.seq, hash: hashes[i] });
      fresh.push(transaction);
      posted.push({
        id: transaction.id,
        seq: transaction.seq,
        idempotencyKey: key,
        replayed: false,
      });
    });
    if (fresh.length) await this.insert(manager, fresh, last?.hash ?? GENESIS);
    return posted;
  }

  /** New transactions written after the chain's last hash: rows, postings, kept balances. */
  private async insert(
    manager: EntityManager,
    fresh: { entry: JournalEntry; id: string; seq: string; requestHash: Buffer }[],
    lastHash: Buffer,
  ): Promise<void> {
    const keys = new Map<string, AccountKey>();
    const keyOf = (account: AccountKey) =>
      `${account.type}|${account.ownerId ?? ''}|${account.currency}`;
    for (const { entry } of fresh) {
      for (const posting of entry.postings) keys.set(keyOf(posting.account), posting.account);
    }
    const ids = await this.accounts(manager, [...keys.values()]);
    const accountOf = new Map([...keys.keys()].map((key, i) => [key, ids[i]]));
    const sorted = [...ids].sort();
    await manager.query(CREATE_BALANCES, [sorted]);
    await manager.query(LOCK_BALANCES, [sorted]);
    const transactions = [
      fresh.map((t) => t.id),
      fresh.map((t) => t.seq),
      fresh.map((t) => t.entry.idempotencyKey),
      fresh.map((t) => t.entry.reason),
      fresh.map((t) => JSON.stringify(t.entry.refs)),
    ];
    const postings: [string[], number[], string[], string[], string[]] = [[], [], [], [], []];
    for (const { entry, id } of fresh) {
      entry.postings.forEach((posting, n) => {
        postings[0].push(id);
        postings[1].push(n + 1);
        postings[2].push(accountOf.get(keyOf(posting.account))!);
        postings[3].push(posting.account.currency);
        postings[4].push(posting.amount.toString());
      });
    }
    // Each hash covers the previous one: the database says what bytes a transaction's hash
    // covers (the formula verification recomputes), the chain is linked here in order.
    const contents = await manager.query<{ content: Buffer }[]>(TRANSACTION_CONTENTS, [
      ...transactions,
      ...postings,
    ]);
    const previous: Buffer[] = [];
    const chained: Buffer[] = [];
    let prev = lastHash;
    for (const { content } of contents) {
      previous.push(prev);
      prev = createHash('sha256').update(prev).update(content).digest();
      chained.push(prev);
    }
    await manager.query(INSERT_TRANSACTIONS, [
      ...transactions,
      fresh.map((t) => t.requestHash),
      previous,
      chained,
    ]);
    await manager.query(INSERT_POSTINGS, postings);
    await manager.query(APPLY_POSTINGS, [postings[2], postings[4]]);
  }

  /** Which of the idempotency keys a transaction was posted under already. */
  async postedKeys(manager: EntityManager, keys: string[]): Promise<Set<string>> {
    const rows = await manager.query<{ idempotency_key: string }[]>(TRANSACTIONS_BY_KEY, [keys]);
    return new Set(rows.map((row) => row.idempotency_key));
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
