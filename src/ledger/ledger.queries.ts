/**
 * The ledger's writes and its reads for other modules (LedgerService): accounts created on first
 * use, the writer lock, balances, and the statements that post journal transactions (a few
 * statements however many are posted at once, their rows passed as parallel arrays).
 *
 * Reads and writes ledger_accounts, ledger_balances, ledger_transactions and ledger_postings
 * (this module's).
 */

/** One posting's part of its transaction's hashed content (aggregated over the postings in order). */
export const POSTINGS_TEXT_SQL = (p: string) =>
  `string_agg(${p}.n::text || ':' || ${p}.account_id::text || ':' || ${p}.currency || ':' || ${p}.amount::text, ',' ORDER BY ${p}.n)`;

/**
 * The bytes a transaction's hash covers, from its stored fields and its postings' text
 * (POSTINGS_TEXT_SQL); its hash is sha256(previous hash || these bytes), 32 zero bytes first.
 * Posting computes the bytes with this SQL and chains them (LedgerService); verification
 * recomputes exactly this.
 */
export const TRANSACTION_CONTENT_SQL = (t: string, postingsText: string) => `
  convert_to(
    ${t}.id::text || '|' || ${t}.seq::text || '|' || ${t}.idempotency_key || '|' || ${t}.reason
    || '|' || ${t}.refs::text || '|' || ${postingsText}, 'UTF8')`;

/** The SQL that hashes one stored transaction from its fields, its postings and its prev_hash. */
export const TRANSACTION_HASH_SQL = (t: string, postings: string) => `
  sha256(${t}.prev_hash || ${TRANSACTION_CONTENT_SQL(
    t,
    `(SELECT ${POSTINGS_TEXT_SQL('p')} FROM ${postings} p WHERE p.transaction_id = ${t}.id)`,
  )})`;

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

/** The transactions posted under idempotency keys $1. */
export const TRANSACTIONS_BY_KEY = `
  SELECT id, seq, idempotency_key, request_hash FROM ledger_transactions
   WHERE idempotency_key = ANY ($1::text[])`;

/** The last transaction of the chain. */
export const LAST_TRANSACTION = `SELECT seq, hash FROM ledger_transactions ORDER BY seq DESC LIMIT 1`;

/** A balance row for each of accounts $1 that has none. */
export const CREATE_BALANCES = `INSERT INTO ledger_balances (account_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`;

/** Locks the balances of accounts $1, in a fixed order. */
export const LOCK_BALANCES = `
  SELECT account_id FROM ledger_balances WHERE account_id = ANY ($1::uuid[])
   ORDER BY account_id FOR UPDATE`;

/**
 * The new transactions' postings, from the parallel arrays $6 (transaction ids), $7 (numbers),
 * $8 (accounts), $9 (currencies), $10 (amounts); the transactions from $1 (ids), $2 (seqs), $3
 * (keys), $4 (reasons), $5 (refs as JSON text).
 */
const STAGED = `
  staged_postings AS (
    SELECT * FROM unnest($6::uuid[], $7::int[], $8::uuid[], $9::text[], $10::bigint[])
             AS p(transaction_id, n, account_id, currency, amount)),
  staged AS (
    SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[])
             WITH ORDINALITY AS t(id, seq, idempotency_key, reason, refs, k))`;

/** Each new transaction's hashed content (TRANSACTION_CONTENT_SQL), in the order given. */
export const TRANSACTION_CONTENTS = `
  WITH ${STAGED},
  texts AS (SELECT p.transaction_id, ${POSTINGS_TEXT_SQL('p')} AS text
              FROM staged_postings p GROUP BY p.transaction_id)
  SELECT ${TRANSACTION_CONTENT_SQL('t', 'x.text')} AS content
    FROM staged t JOIN texts x ON x.transaction_id = t.id
   ORDER BY t.k`;

/** The new transactions (as STAGED's $1–$5), with $6 request hashes, $7 previous hashes, $8 hashes. */
export const INSERT_TRANSACTIONS = `
  INSERT INTO ledger_transactions (id, seq, idempotency_key, request_hash, reason, refs, prev_hash, hash)
  SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $6::bytea[], $4::text[], $5::jsonb[],
                       $7::bytea[], $8::bytea[])
   ORDER BY 2`;

/** The new transactions' postings (as STAGED's $6–$10, numbered from $1 to $5). */
export const INSERT_POSTINGS = `
  INSERT INTO ledger_postings (transaction_id, n, account_id, currency, amount)
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::bigint[])`;

/** The postings of accounts $1 with amounts $2 added to the kept balances. */
export const APPLY_POSTINGS = `
  UPDATE ledger_balances b SET balance = b.balance + d.delta, updated_at = now()
    FROM (SELECT account_id, sum(amount) AS delta
            FROM unnest($1::uuid[], $2::bigint[]) AS p(account_id, amount)
           GROUP BY account_id) d
   WHERE b.account_id = d.account_id`;

/** Payees' advances not yet repaid: the debit balances of payee-advance accounts. */
export const OUTSTANDING_PAYEE_ADVANCES = `
  SELECT a.owner_id, a.currency, b.balance FROM ledger_accounts a
    JOIN ledger_balances b ON b.account_id = a.id
   WHERE a.type = 'payee-advance' AND b.balance > 0
   ORDER BY a.owner_id, a.currency`;
