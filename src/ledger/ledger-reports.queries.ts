import { TRANSACTION_HASH_SQL } from './ledger.queries';

/**
 * The ledger's reports (LedgerReportsService): balances a page at a time, an account's entries,
 * the trial balance, and the verification of the chain and of the kept balances.
 *
 * Reads ledger_accounts, ledger_balances, ledger_transactions and ledger_postings (this
 * module's). Writes nothing.
 */

/** Sorts accounts without an owner (the platform's) after every owner, as NULLS LAST did. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const BALANCES_KEY = `(a.currency, a.type, a.owner_id IS NULL, COALESCE(a.owner_id, '${NIL_UUID}'), a.id)`;

/**
 * A page of accounts with their balances, by currency, type, owner (none last) and id: every
 * account ($1 true) or organization $2's, in currency $3 (or any), of owner $6 (or any), after
 * the sort key of account $4 (or from the first), $5 rows.
 */
export const BALANCES_PAGE = `
  SELECT a.id, a.type, a.owner_id, a.organization_id, a.currency, COALESCE(b.balance, 0) AS balance
    FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id
   WHERE ($1::boolean OR a.organization_id = $2) AND ($3::text IS NULL OR a.currency = $3)
     AND ($6::uuid IS NULL OR a.owner_id = $6)
     AND ($4::uuid IS NULL OR ${BALANCES_KEY} > (
           SELECT c.currency, c.type, c.owner_id IS NULL, COALESCE(c.owner_id, '${NIL_UUID}'), c.id
             FROM ledger_accounts c WHERE c.id = $4))
   ORDER BY a.currency, a.type, a.owner_id IS NULL, COALESCE(a.owner_id, '${NIL_UUID}'), a.id
   LIMIT $5`;

/** Account $1 if every account ($2 true) or organization $3's may read it. */
export const READABLE_ACCOUNT = `SELECT id FROM ledger_accounts WHERE id = $1 AND ($2::boolean OR organization_id = $3)`;

/** A page of account $1's entries, one per transaction, newest first: before seq $2 (or from the last), $3 rows. */
export const ENTRIES_PAGE = `
  SELECT t.id, t.seq, t.reason, t.refs, sum(p.amount) AS amount, t.created_at
    FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
   WHERE p.account_id = $1 AND ($2::bigint IS NULL OR t.seq < $2)
   GROUP BY t.id ORDER BY t.seq DESC LIMIT $3`;

/** Every account with its balance, by currency, type, owner and id. */
export const ALL_BALANCES = `
  SELECT a.id, a.type, a.owner_id, a.organization_id, a.currency, COALESCE(b.balance, 0) AS balance
    FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id
   ORDER BY a.currency, a.type, a.owner_id, a.id`;

/**
 * The chain recomputed in order: how many transactions, and the first that breaks it (a link to
 * the previous hash, its own hash, or a gap in seq), if any.
 */
export const CHAIN_CHECK = `
  WITH checked AS (
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
    LEFT JOIN LATERAL (SELECT * FROM checked WHERE problem IS NOT NULL ORDER BY seq LIMIT 1) c ON true`;

/** The accounts whose kept balance differs from the sum of their postings. */
export const BALANCE_MISMATCHES = `
  SELECT a.id AS account_id, COALESCE(b.balance, 0) AS kept, COALESCE(p.total, 0) AS from_postings
    FROM ledger_accounts a
    LEFT JOIN ledger_balances b ON b.account_id = a.id
    LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_postings GROUP BY account_id) p
      ON p.account_id = a.id
   WHERE COALESCE(b.balance, 0) <> COALESCE(p.total, 0)
   ORDER BY a.id`;
