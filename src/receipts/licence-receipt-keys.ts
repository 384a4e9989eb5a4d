import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, JWK } from 'jose';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { ChangeAwareCache } from '../database/change-aware-cache';
import { ChangeFeed } from '../database/change-feed';
import { AuditService } from '../organizations/audit.service';
import {
  allKeys,
  idSecrets,
  insertFirstIdSecret,
  insertSigningKey,
  lockSigningKey,
  publishedKeys,
  retireKey,
} from './licence-receipt-keys.queries';
import { ReceiptSigningKey } from './sign-receipt';

/** What signing and checking receipts needs, as one process holds it. */
export interface ReceiptKeyRing {
  /** The key that signs now. */
  signing: ReceiptSigningKey;
  /** The public keys that verify receipts now: the signing key and retired ones not expired. */
  jwks: { keys: JWK[] };
  /** A strong ETag of `jwks`. */
  etag: string;
  /** The receipt id secrets by version; ids are made with the newest. */
  idSecrets: ReadonlyMap<number, Buffer>;
  idVersion: number;
}

export type ReceiptKeyState = 'signing' | 'verifying' | 'expired';

export interface ReceiptKeySummary {
  kid: string;
  state: ReceiptKeyState;
  createdAt: string;
  retiredAt: string | null;
  expiresAt: string | null;
}

/** A new Ed25519 key pair, named by its RFC 7638 thumbprint. */
async function newKeyPair(): Promise<{ kid: string; publicJwk: JWK; privateKey: Buffer }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return {
    kid: await calculateJwkThumbprint(jwk),
    publicJwk: jwk,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

/**
 * The keys of licence receipts: the Ed25519 key that signs them, the public keys that verify them
 * (`/.well-known/jwks.json`) and the secrets receipt ids are keyed with. The first key and secret
 * are made by whichever process needs them first. Held in the process and reloaded when the
 * tables change (their trigger notifies) or after a minute, so a rotation reaches every process
 * at once and an expired key leaves the JWKS within a minute.
 *
 * The private keys are in the database: who can read it can sign receipts (docs/SECURITY.md).
 */
@Injectable()
export class LicenceReceiptKeys {
  private readonly cache: ChangeAwareCache<ReceiptKeyRing>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    changes: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(changes, 'licence_receipt_keys_changed', {
      max: 1,
      maxAgeMs: 60_000,
    });
  }

  ring(): Promise<ReceiptKeyRing> {
    return this.cache.get('ring', () => this.load());
  }

  async list(): Promise<ReceiptKeySummary[]> {
    await this.ring();
    const now = Date.now();
    return (await allKeys(this.dataSource)).map((row) => ({
      kid: row.kid,
      state:
        row.retired_at === null
          ? 'signing'
          : row.expires_at!.getTime() > now
            ? 'verifying'
            : 'expired',
      createdAt: row.created_at.toISOString(),
      retiredAt: row.retired_at?.toISOString() ?? null,
      expiresAt: row.expires_at?.toISOString() ?? null,
    }));
  }

  /**
   * A new key signs from now; `retiring`, the key that signed until now, stays published for
   * RECEIPT_KEY_VERIFY_DAYS. Naming the key to retire makes a repeated request harmless: once
   * it is retired, the repeat is refused (409) instead of rotating again.
   */
  async rotate(actor: Principal, retiring: string): Promise<ReceiptKeySummary[]> {
    await this.ring();
    const next = await newKeyPair();
    await this.dataSource.transaction(async (manager) => {
      const current = await lockSigningKey(manager);
      if (current?.kid !== retiring) {
        throw new Conflict(
          'receipt-key-not-signing',
          `Key ${retiring} is not the key that signs receipts now${current ? ` (${current.kid} is)` : ''}`,
          { signingKid: current?.kid ?? null },
        );
      }
      const verifyDays = this.config.get('RECEIPT_KEY_VERIFY_DAYS');
      await retireKey(manager, current.kid, verifyDays);
      await insertSigningKey(manager, { ...next, principalId: actor.id });
      await this.audit.record(manager, actor, {
        action: 'licence-receipt-key.rotate',
        resourceId: next.kid,
        resourceOrganizationId: null,
        details: { retiredKid: current.kid, verifyDays },
      });
    });
    return this.list();
  }

  private async load(): Promise<ReceiptKeyRing> {
    let keys = await publishedKeys(this.dataSource);
    if (!keys.some((key) => key.retired_at === null)) {
      await insertSigningKey(this.dataSource, { ...(await newKeyPair()), principalId: null });
      keys = await publishedKeys(this.dataSource);
    }
    let secrets = await idSecrets(this.dataSource);
    if (!secrets.length) {
      await insertFirstIdSecret(this.dataSource, randomBytes(32));
      secrets = await idSecrets(this.dataSource);
    }
    const signing = keys.find((key) => key.retired_at === null)!;
    const jwks = {
      keys: keys.map((key) => ({ ...key.public_jwk, kid: key.kid, alg: 'EdDSA', use: 'sig' })),
    };
    return {
      signing: {
        kid: signing.kid,
        privateKey: createPrivateKey({ key: signing.private_key, format: 'der', type: 'pkcs8' }),
      },
      jwks,
      etag: `"${createHash('sha256').update(JSON.stringify(jwks)).digest('base64url')}"`,
      idSecrets: new Map(secrets.map((row) => [row.version, row.secret])),
      idVersion: secrets[secrets.length - 1].version,
    };
  }
}
