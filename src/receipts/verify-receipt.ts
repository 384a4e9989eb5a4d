/**
 * The offline verifier of licence receipts, for a publisher's CDN or server: given the receipt a
 * crawler presents and the platform's public keys (`GET /.well-known/jwks.json`, fetched once and
 * cached), it says whether the receipt is genuine, in force now, and for what — without calling
 * the platform. It depends on `jose` alone (which runs in Node, browsers, Deno, Bun and Cloudflare
 * Workers), so it can be copied out of this repository as it is. docs/LICENSING.md has an example.
 */
import { createLocalJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';

/** The `typ` header every receipt carries (RFC 8725 §3.11: a token of one kind only). */
export const RECEIPT_TYPE = 'licence-receipt+jwt';

/** What a genuine receipt says. */
export interface LicenceReceiptClaims {
  /** The receipt id (`rcpt_…`), the one usage lines cite. */
  jti: string;
  /** The platform that issued it (its public base URL). */
  iss: string;
  /** The licensee organization it was issued to. */
  sub: string;
  /** The publisher organization whose work it licenses. */
  aud: string;
  /** Valid from (seconds since the epoch): the start of `day`, UTC. */
  nbf: number;
  /** Valid until (seconds since the epoch): the end of `day`, UTC. */
  exp: number;
  /** The day of use it licenses, `YYYY-MM-DD`. */
  day: string;
  work: string;
  /** The identifier the licensee asked about, as normalized (`isbn:…`, `url:…`, `sha256:…`). */
  identifier: string;
  usage: string;
  agreement: string;
  agreementVersion: number;
  /** The rate for this use in that version, when it prices one. */
  rate: { unit: string; per: number; rate: string; currency: string } | null;
}

export interface VerifyReceiptOptions {
  /** The issuer to expect: the platform's base URL (the `iss` of its receipts). */
  issuer: string;
  /** Your publisher organization id: a receipt for another publisher's work is refused. */
  audience?: string;
  /** The moment to judge validity at (default now). */
  at?: Date;
  /** Seconds of clock difference tolerated at the window's edges (default 60). */
  clockToleranceSeconds?: number;
}

export type VerifiedReceipt =
  | { valid: true; claims: LicenceReceiptClaims }
  | {
      valid: false;
      /** expired / not-yet-valid: outside its day; signature: not signed by a published key (or altered); claims: another issuer, publisher or type; malformed: not a receipt. */
      reason: 'expired' | 'not-yet-valid' | 'signature' | 'claims' | 'malformed';
    };

/**
 * Whether `token` is a genuine licence receipt valid `at` (default now), signed by one of `jwks`'s
 * keys (EdDSA, Ed25519). Never throws for a bad token: the answer says why it is refused.
 */
export async function verifyLicenceReceipt(
  token: string,
  jwks: JSONWebKeySet,
  options: VerifyReceiptOptions,
): Promise<VerifiedReceipt> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      typ: RECEIPT_TYPE,
      issuer: options.issuer,
      audience: options.audience,
      currentDate: options.at,
      clockTolerance: options.clockToleranceSeconds ?? 60,
      requiredClaims: ['jti', 'sub', 'aud', 'nbf', 'exp'],
    });
    if (typeof payload.work !== 'string' || typeof payload.usage !== 'string') {
      return { valid: false, reason: 'claims' };
    }
    return { valid: true, claims: payload as unknown as LicenceReceiptClaims };
  } catch (error) {
    return { valid: false, reason: refusal(error) };
  }
}

function refusal(error: unknown): Exclude<VerifiedReceipt, { valid: true }>['reason'] {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'nbf' ? 'not-yet-valid' : 'claims';
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return 'signature';
  }
  return 'malformed';
}
