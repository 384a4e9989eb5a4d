import { EntityManager } from 'typeorm';
import { idSecrets } from './licence-receipt-keys.queries';

/**
 * Receipt ids cited by usage lines, checked in SQL over a report's distinct citations (issue 21):
 * the same tags as receipt-id.ts, HMAC-SHA-256 made of PostgreSQL's `sha256()` (RFC 2104: the
 * secret's inner and outer pads, computed here once per secret), so the millions of citations
 * of a large report never pass through JavaScript. A unit test holds this SQL to receipt-id.ts.
 */

const BLOCK = 64;

/** HMAC-SHA-256's two key blocks of a secret: the key padded to 64 bytes, XORed with 0x36 and 0x5c. */
export function hmacPads(secret: Buffer): { inner: Buffer; outer: Buffer } {
  if (secret.length > BLOCK) throw new Error('receipt id secrets are at most 64 bytes');
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  for (let i = 0; i < secret.length; i++) {
    inner[i] ^= secret[i];
    outer[i] ^= secret[i];
  }
  return { inner, outer };
}

/**
 * `receipt_secrets (temp)`: every id secret's version and pads, for receiptRefusal's join.
 * Read in the caller's transaction: a secret made since the process started is known.
 */
export async function loadReceiptSecrets(manager: EntityManager): Promise<void> {
  const secrets = await idSecrets(manager);
  const pads = secrets.map((row) => hmacPads(row.secret));
  await manager.query(
    `CREATE TEMP TABLE receipt_secrets ON COMMIT DROP AS
       SELECT * FROM unnest($1::int[], $2::bytea[], $3::bytea[]) AS k(version, inner_pad, outer_pad)`,
    [secrets.map((row) => row.version), pads.map((pad) => pad.inner), pads.map((pad) => pad.outer)],
  );
}

/** A cited id's 25 bytes (its form was checked when the line was staged). */
export const receiptBytes = (id: string) =>
  `decode(translate(substr(${id}, 6), '-_', '+/') || '==', 'base64')`;

/** `JOIN`ed to a citation: the secret its id was made with (none: receipt-malformed). */
export const receiptSecretJoin = (bytes: string, alias = 'k') =>
  `LEFT JOIN receipt_secrets ${alias} ON ${alias}.version = get_byte(${bytes}, 0)`;

/** The columns (SQL expressions) of a citation and the line's match it must stand for. */
export interface CitationColumns {
  /** The id's bytes (receiptBytes). */
  bytes: string;
  licensee: string;
  work: string;
  usage: string;
  day: string;
  agreement: string;
  version: string;
  /** The alias of receiptSecretJoin's table. */
  secret?: string;
}

/** The SQL pieces of a citation's check: the tag over its fields, its day, and the id's day. */
function citationSql(c: CitationColumns) {
  const k = c.secret ?? 'k';
  const tag = (bytes: number, ...fields: string[]) =>
    `substring(sha256(${k}.outer_pad || sha256(${k}.inner_pad || convert_to(concat_ws(E'\\n', ${fields.join(
      ', ',
    )}), 'UTF8'))) FROM 1 FOR ${bytes})`;
  const licensee = `${c.licensee}::text`;
  const work = `${c.work}::text`;
  const whole = tag(
    10,
    `'A'`,
    licensee,
    work,
    c.usage,
    `to_char(${c.day}, 'YYYY-MM-DD')`,
    `${c.agreement}::text`,
    `${c.version}::text`,
  );
  const idDay = `(get_byte(${c.bytes}, 1) * 256 + get_byte(${c.bytes}, 2))`;
  const day = `(${c.day}) - date '1970-01-01'`;
  return { k, tag, licensee, work, idDay, day, whole };
}

/**
 * SQL, true when the id is the receipt of this licensee, work, usage, day and agreement version
 * (receiptRefusal is null): one HMAC, the whole subject's tag.
 */
export function receiptGenuine(c: CitationColumns): string {
  const { k, idDay, day, whole } = citationSql(c);
  return `${k}.version IS NOT NULL AND ${idDay} = ${day}
     AND ${whole} = substring(${c.bytes} FROM 16 FOR 10)`;
}

/**
 * SQL for receiptMismatch (receipt-id.ts): null when the id is the receipt of this licensee,
 * work, usage, day and agreement version, else the receipt-* reason. The common case, a genuine
 * id, costs one HMAC: the whole subject's tag; the others are computed only to word a refusal.
 */
export function receiptRefusal(c: CitationColumns): string {
  const { k, tag, licensee, work, idDay, day } = citationSql(c);
  return `CASE WHEN ${k}.version IS NULL THEN 'receipt-malformed'
     WHEN ${receiptGenuine(c)} THEN NULL
     WHEN ${tag(4, `'L'`, licensee)} <> substring(${c.bytes} FROM 4 FOR 4) THEN 'receipt-not-licensee'
     WHEN ${tag(4, `'W'`, licensee, work)} <> substring(${c.bytes} FROM 8 FOR 4) THEN 'receipt-other-work'
     WHEN ${tag(4, `'U'`, licensee, work, c.usage)} <> substring(${c.bytes} FROM 12 FOR 4)
       THEN 'receipt-other-usage'
     WHEN ${idDay} <> ${day} THEN 'receipt-other-day'
     ELSE 'receipt-other-agreement' END`;
}
