/**
 * The ledger's writes and its reads for other modules (LedgerService): accounts created on first
 * use, the writer lock, balances, and the statements that post one journal transaction.
 *
 * Reads and writes ledger_accounts, ledger_balances, ledger_transactions and ledger_postings
 * (this module's), through the transaction's temp table pending_postings.
 */

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
 * The accounts for the keys in the parallel arrays $1 (new ids), $2 (types), $3 (owners), $4
 * (organizations) and $5 (currencies), those that do not exist yet.
 */
export const CREATE_ACCOUNTS = `
  INSERT INTO ledger_accounts (id, type, owner_id, organization_id, currency)
  SELECT DISTINCT ON (type, owner_id, currency) id, type, owner_id, organization_id, currency
    FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[])
         AS k(id, type, owner_id, organization_id, currency)
  ORDER BY type, owner_id, currency
  ON CONFLICT (type, owner_id, currency) DO NOTHING`;

/** The ids of the accounts for the keys in the parallel arrays $1 (types), $2 (owners), $3 (currencies), in their order. */
export const ACCOUNT_IDS = `
  SELECT k.n, a.id
    FROM unnest($1::text[], $2::uuid[], $3::text[]) WITH ORDINALITY AS k(type, owner_id, currency, n)
    JOIN ledger_accounts a
      ON a.type = k.type AND a.currency = k.currency
     -- An equality (not IS NOT DISTINCT FROM), so thousands of keys join by hash.
     AND COALESCE(a.owner_id, '00000000-0000-0000-0000-000000000000')
       = COALESCE(k.owner_id, '00000000-0000-0000-0000-000000000000')
   ORDER BY k.n`;

/** The ledger's writer lock, for the caller's transaction: one writer at a time extends the chain. */
export const LOCK_LEDGER = `SELECT pg_advisory_xact_lock(hashtext('ledger-chain'))`;

/** The non-zero balances of accounts of type $1 in currency $2, of owners $3 (or every owner). */
export const BALANCES_OF = `
  SELECT a.owner_id, a.organization_id, b.balance
    FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
   WHERE a.type = $1 AND a.currency = $2 AND b.balance <> 0
     AND ($3::uuid[] IS NULL OR a.owner_id = ANY ($3::uuid[]))
   ORDER BY a.owner_id`;

/** The transaction posted under idempotency key $1, if any. */
export const TRANSACTION_BY_KEY = `SELECT id, seq, request_hash FROM ledger_transactions WHERE idempotency_key = $1`;

/** The last transaction of the chain. */
export const LAST_TRANSACTION = `SELECT seq, hash FROM ledger_transactions ORDER BY seq DESC LIMIT 1`;

/** A balance row for each of accounts $1 that has none. */
export const CREATE_BALANCES = `INSERT INTO ledger_balances (account_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`;

/** Locks the balances of accounts $1, in a fixed order. */
export const LOCK_BALANCES = `
  SELECT account_id FROM ledger_balances WHERE account_id = ANY ($1::uuid[])
   ORDER BY account_id FOR UPDATE`;

/** The transaction's scratch table of postings (dropped at commit). */
export const CREATE_PENDING_POSTINGS = `
  CREATE TEMP TABLE IF NOT EXISTS pending_postings
    (transaction_id uuid, n int, account_id uuid, currency text, amount bigint) ON COMMIT DROP`;

export const CLEAR_PENDING_POSTINGS = `DELETE FROM pending_postings`;

/** Transaction $1's postings, numbered, from the parallel arrays $2 (accounts), $3 (currencies), $4 (amounts). */
export const STAGE_POSTINGS = `
  INSERT INTO pending_postings
  SELECT $1::uuid, n::int, account_id, currency, amount
    FROM unnest($2::uuid[], $3::text[], $4::bigint[]) WITH ORDINALITY AS p(account_id, currency, amount, n)`;

/**
 * Transaction $1 (seq $2, key $3, request hash $4, reason $5, refs $6, previous hash $7), its
 * hash computed over it and the staged postings.
 */
export const INSERT_TRANSACTION = `
  INSERT INTO ledger_transactions (id, seq, idempotency_key, request_hash, reason, refs, prev_hash, hash)
  SELECT t.id, t.seq, t.idempotency_key, t.request_hash, t.reason, t.refs, t.prev_hash,
         ${TRANSACTION_HASH_SQL('t', 'pending_postings')}
    FROM (SELECT $1::uuid AS id, $2::bigint AS seq, $3::text AS idempotency_key,
                 $4::bytea AS request_hash, $5::text AS reason, $6::jsonb AS refs,
                 $7::bytea AS prev_hash) t`;

export const INSERT_POSTINGS = `
  INSERT INTO ledger_postings (transaction_id, n, account_id, currency, amount)
  SELECT transaction_id, n, account_id, currency, amount FROM pending_postings ORDER BY n`;

/** The staged postings added to the kept balances. */
export const APPLY_POSTINGS = `
  UPDATE ledger_balances b SET balance = b.balance + d.delta, updated_at = now()
    FROM (SELECT account_id, sum(amount) AS delta FROM pending_postings GROUP BY account_id) d
   WHERE b.account_id = d.account_id`;

/** Payees' advances not yet repaid: the debit balances of payee-advance accounts. */
export const OUTSTANDING_PAYEE_ADVANCES = `
  SELECT a.owner_id, a.currency, b.balance FROM ledger_accounts a
    JOIN ledger_balances b ON b.account_id = a.id
   WHERE a.type = 'payee-advance' AND b.balance > 0
   ORDER BY a.owner_id, a.currency`;
