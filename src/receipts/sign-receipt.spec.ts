import { generateKeyPairSync } from 'node:crypto';
import { JSONWebKeySet } from 'jose';
import { signReceipt } from './sign-receipt';
import { LicenceReceiptClaims, verifyLicenceReceipt } from './verify-receipt';

const ISSUER = 'https://ledger.example';
const PUBLISHER = '019abc3e-0000-7000-8000-0000000000dd';

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signing: { kid, privateKey }, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

const CLAIMS: LicenceReceiptClaims = {
  jti: 'rcpt_AVH4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  iss: ISSUER,
  sub: '019abc3e-0000-7000-8000-000000000001',
  aud: PUBLISHER,
  nbf: Date.UTC(2027, 5, 15) / 1000,
  exp: Date.UTC(2027, 5, 16) / 1000,
  day: '2027-06-15',
  work: '019abc3e-0000-7000-8000-0000000000aa',
  identifier: 'isbn:9780306406157',
  usage: 'ai-train',
  agreement: '019abc3e-0000-7000-8000-0000000000bb',
  agreementVersion: 2,
  rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
};

const NOON = new Date(Date.UTC(2027, 5, 15, 12));

describe('signed licence receipts', () => {
  const current = keyPair('k-2027-06');
  const previous = keyPair('k-2027-05');
  const jwks: JSONWebKeySet = { keys: [current.jwk, previous.jwk] };
  const token = signReceipt(current.signing, CLAIMS);

  it('verify with the published keys (jose), with every claim as signed', async () => {
    expect(token.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', typ: 'licence-receipt+jwt', kid: 'k-2027-06' });
    await expect(
      verifyLicenceReceipt(token, jwks, { issuer: ISSUER, audience: PUBLISHER, at: NOON }),
    ).resolves.toEqual({ valid: true, claims: CLAIMS });
  });

  it('made by a key that has since stopped signing still verify while it is published', async () => {
    const old = signReceipt(previous.signing, CLAIMS);
    await expect(verifyLicenceReceipt(old, jwks, { issuer: ISSUER, at: NOON })).resolves.toEqual({
      valid: true,
      claims: CLAIMS,
    });
    // Once its key has left the JWKS (expired), it no longer does.
    await expect(
      verifyLicenceReceipt(old, { keys: [current.jwk] }, { issuer: ISSUER, at: NOON }),
    ).resolves.toEqual({ valid: false, reason: 'signature' });
  });

  it('are refused when altered, signed by an unpublished key, or under a published kid with another key', async () => {
    const [head, , signature] = token.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...CLAIMS, rate: { ...CLAIMS.rate, rate: '0.0001' } }),
    ).toString('base64url');
    const impostor = keyPair('k-2027-06');
    const cases = [
      `${head}.${altered}.${signature}`,
      signReceipt(keyPair('k-unknown').signing, CLAIMS),
      signReceipt(impostor.signing, CLAIMS),
    ];
    for (const bad of cases) {
      await expect(verifyLicenceReceipt(bad, jwks, { issuer: ISSUER, at: NOON })).resolves.toEqual({
        valid: false,
        reason: 'signature',
      });
    }
  });

  it('are valid only on their day (a minute of clock difference allowed)', async () => {
    const verifyAt = (at: Date) => verifyLicenceReceipt(token, jwks, { issuer: ISSUER, at });
    await expect(verifyAt(new Date(Date.UTC(2027, 5, 16, 0, 0, 59)))).resolves.toMatchObject({
      valid: true,
    });
    await expect(verifyAt(new Date(Date.UTC(2027, 5, 16, 0, 1, 1)))).resolves.toEqual({
      valid: false,
      reason: 'expired',
    });
    await expect(verifyAt(new Date(Date.UTC(2027, 5, 14, 23, 58)))).resolves.toEqual({
      valid: false,
      reason: 'not-yet-valid',
    });
  });

  it("are refused for another issuer or another publisher's works, and when not a receipt at all", async () => {
    await expect(
      verifyLicenceReceipt(token, jwks, { issuer: 'https://other.example', at: NOON }),
    ).resolves.toEqual({ valid: false, reason: 'claims' });
    await expect(
      verifyLicenceReceipt(token, jwks, { issuer: ISSUER, audience: 'someone-else', at: NOON }),
    ).resolves.toEqual({ valid: false, reason: 'claims' });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"licence-receipt+jwt"}').toString('base64url')}.${token.split('.')[1]}.`;
    for (const bad of ['', 'not-a-token', unsigned]) {
      await expect(verifyLicenceReceipt(bad, jwks, { issuer: ISSUER, at: NOON })).resolves.toEqual({
        valid: false,
        reason: 'malformed',
      });
    }
  });

  it('are refused when a required claim is missing, or the work or usage is not a string', async () => {
    const without = (claim: keyof LicenceReceiptClaims) => {
      const claims: Partial<LicenceReceiptClaims> = { ...CLAIMS };
      delete claims[claim];
      return signReceipt(current.signing, claims as LicenceReceiptClaims);
    };
    const odd = (over: Record<string, unknown>) =>
      signReceipt(current.signing, { ...CLAIMS, ...over });
    for (const bad of [
      without('jti'),
      without('sub'),
      without('aud'),
      without('exp'),
      without('work'),
      without('usage'),
      odd({ work: 7 }),
      odd({ usage: ['ai-train'] }),
    ]) {
      await expect(verifyLicenceReceipt(bad, jwks, { issuer: ISSUER, at: NOON })).resolves.toEqual({
        valid: false,
        reason: 'claims',
      });
    }
  });
});
