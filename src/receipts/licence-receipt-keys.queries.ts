import { EntityManager } from 'typeorm';

/** A DataSource or a transaction's manager. */
type Db = Pick<EntityManager, 'query'>;

export interface ReceiptKeyRow {
  kid: string;
  public_jwk: Record<string, string>;
  private_key: Buffer;
  created_at: Date;
  retired_at: Date | null;
  expires_at: Date | null;
}

export interface IdSecretRow {
  version: number;
  secret: Buffer;
}

/** The signing key and every retired key not yet expired, newest first. */
export function publishedKeys(db: Db): Promise<ReceiptKeyRow[]> {
  return db.query(
    `SELECT kid, public_jwk, private_key, created_at, retired_at, expires_at
       FROM licence_receipt_keys
      WHERE expires_at IS NULL OR expires_at > now()
      ORDER BY created_at DESC, kid`,
  );
}

/** Every key, expired ones too, newest first (finance and admins see the history). */
export function allKeys(db: Db): Promise<Omit<ReceiptKeyRow, 'private_key'>[]> {
  return db.query(
    `SELECT kid, public_jwk, created_at, retired_at, expires_at
       FROM licence_receipt_keys ORDER BY created_at DESC, kid`,
  );
}

export function idSecrets(db: Db): Promise<IdSecretRow[]> {
  return db.query(`SELECT version, secret FROM licence_receipt_id_secrets ORDER BY version`);
}

/** The key made the signing key, unless one already is (another process made it first). */
export async function insertSigningKey(
  db: Db,
  key: { kid: string; publicJwk: object; privateKey: Buffer; principalId: string | null },
): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO licence_receipt_keys (kid, public_jwk, private_key, created_by_principal_id)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING kid`,
    [key.kid, JSON.stringify(key.publicJwk), key.privateKey, key.principalId],
  );
  return rows.length === 1;
}

/** The first id secret, unless another process made it first. */
export async function insertFirstIdSecret(db: Db, secret: Buffer): Promise<void> {
  await db.query(
    `INSERT INTO licence_receipt_id_secrets (version, secret) VALUES (1, $1)
     ON CONFLICT DO NOTHING`,
    [secret],
  );
}

/** The signing key, locked for rotation (none: no key yet). */
export async function lockSigningKey(db: Db): Promise<{ kid: string } | undefined> {
  const [row] = await db.query<{ kid: string }[]>(
    `SELECT kid FROM licence_receipt_keys WHERE retired_at IS NULL FOR UPDATE`,
  );
  return row;
}

/** The signing key retired now, published until `verifyDays` days from now. */
export async function retireKey(db: Db, kid: string, verifyDays: number): Promise<void> {
  await db.query(
    `UPDATE licence_receipt_keys
        SET retired_at = now(), expires_at = now() + make_interval(days => $2)
      WHERE kid = $1 AND retired_at IS NULL`,
    [kid, verifyDays],
  );
}
