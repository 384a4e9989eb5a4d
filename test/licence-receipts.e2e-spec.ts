import { createHmac } from 'node:crypto';
import { verifyLicenceReceipt } from '../src/receipts/verify-receipt';
import { createWork } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { financeKey, waitFor } from './support/payouts';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** Today and its neighbours as the service sees them (UTC). */
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = dayOf(Date.now());
const noonOf = (day: string) => new Date(`${day}T12:00:00Z`);

/** A receipt id worked out from docs/LICENSING.md's layout with the database's secret, not the service's code. */
function expectedReceiptId(
  secret: Buffer,
  s: {
    licensee: string;
    work: string;
    usage: string;
    day: string;
    agreement: string;
    version: number;
  },
): string {
  const mac = (bytes: number, ...fields: string[]) =>
    createHmac('sha256', secret).update(fields.join('\n')).digest().subarray(0, bytes);
  const days = Date.parse(`${s.day}T00:00:00Z`) / DAY_MS;
  return (
    'rcpt_' +
    Buffer.concat([
      Buffer.from([1, days >> 8, days & 0xff]),
      mac(4, 'L', s.licensee),
      mac(4, 'W', s.licensee, s.work),
      mac(4, 'U', s.licensee, s.work, s.usage),
      mac(10, 'A', s.licensee, s.work, s.usage, s.day, s.agreement, String(s.version)),
    ]).toString('base64url')
  );
}

describe('licence receipts', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let otherLicensee: OrganizationFixture;
  let book: { id: string };
  let agreementId: string;
  let finance: string;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    otherLicensee = await createOrganization(t.http, { kind: 'licensee' });
    book = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-0-306-40615-7' }],
    });
    const terms = {
      usages: ['ai-train', 'ai-input'],
      term: { start: dayOf(Date.now() - 30 * DAY_MS), end: dayOf(Date.now() + 500 * DAY_MS) },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
    };
    agreementId = await agreedOffer(t.http, publisher.key, licensee.key, terms);
    await agreedOffer(t.http, publisher.key, otherLicensee.key, terms);
    finance = await financeKey(t);
  });
  afterAll(() => t.close());

  const check = (day: string, key = licensee.key, usage = 'ai-train') =>
    t.http.get(`/v1/licence-check?identifier=isbn:0-306-40615-2&usage=${usage}&at=${day}`, key);
  const jwks = async () => (await t.http.get('/.well-known/jwks.json')).body;
  const signingKid = async () =>
    (
      (await t.http.get('/v1/licence-receipt-keys', ADMIN_KEY)).body.data as {
        kid: string;
        state: string;
      }[]
    ).find((key) => key.state === 'signing')!.kid;

  it('a licensed answer carries a receipt that verifies offline with the published keys, saying exactly what was licensed', async () => {
    const response = await check(TODAY);
    expect(response.status).toBe(200);
    const [{ secret }] = await t.sql<{ secret: Buffer }>(
      'SELECT secret FROM licence_receipt_id_secrets WHERE version = 1',
    );
    const id = expectedReceiptId(secret, {
      licensee: licensee.id,
      work: book.id,
      usage: 'ai-train',
      day: TODAY,
      agreement: agreementId,
      version: 1,
    });
    const start = Date.parse(`${TODAY}T00:00:00Z`);
    expect(response.body).toEqual({
      identifier: 'isbn:9780306406157',
      usage: 'ai-train',
      licensed: true,
      workId: book.id,
      agreementId,
      agreementVersion: 1,
      rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
      attributionRequired: false,
      receipt: {
        id,
        token: expect.any(String),
        validFrom: new Date(start).toISOString(),
        validUntil: new Date(start + DAY_MS).toISOString(),
      },
    });
    const verified = await verifyLicenceReceipt(response.body.receipt.token, await jwks(), {
      issuer: t.env.PUBLIC_BASE_URL,
      audience: publisher.id,
      at: noonOf(TODAY),
    });
    expect(verified).toEqual({
      valid: true,
      claims: {
        jti: id,
        iss: t.env.PUBLIC_BASE_URL,
        sub: licensee.id,
        aud: publisher.id,
        nbf: start / 1000,
        exp: start / 1000 + 86_400,
        day: TODAY,
        work: book.id,
        identifier: 'isbn:9780306406157',
        usage: 'ai-train',
        agreement: agreementId,
        agreementVersion: 1,
        rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
      },
    });
    // Asked again the same day: the same receipt.
    expect((await check(TODAY)).body.receipt).toEqual(response.body.receipt);
  });

  it('refused answers carry none; another licensee gets a receipt of its own, which a publisher can tell apart', async () => {
    const refused = await check(TODAY, licensee.key, 'search');
    expect(refused.body).toEqual({
      identifier: 'isbn:9780306406157',
      usage: 'search',
      licensed: false,
      reason: 'usage-not-permitted',
      workId: book.id,
    });
    const mine = (await check(TODAY)).body.receipt;
    const theirs = (await check(TODAY, otherLicensee.key)).body.receipt;
    expect(theirs.id).not.toBe(mine.id);
    const verified = await verifyLicenceReceipt(theirs.token, await jwks(), {
      issuer: t.env.PUBLIC_BASE_URL,
      at: noonOf(TODAY),
    });
    expect(verified).toMatchObject({ valid: true, claims: { sub: otherLicensee.id } });
    // Not valid on another day, nor for another publisher's works.
    await expect(
      verifyLicenceReceipt(mine.token, await jwks(), {
        issuer: t.env.PUBLIC_BASE_URL,
        at: new Date(Date.parse(`${TODAY}T00:00:00Z`) + DAY_MS + 120_000),
      }),
    ).resolves.toEqual({ valid: false, reason: 'expired' });
    await expect(
      verifyLicenceReceipt(mine.token, await jwks(), {
        issuer: t.env.PUBLIC_BASE_URL,
        audience: otherLicensee.id,
        at: noonOf(TODAY),
      }),
    ).resolves.toEqual({ valid: false, reason: 'claims' });
  });

  it('the batch form gives each licensed answer its receipt; a day past the keys’ lifetime gets none', async () => {
    const far = dayOf(Date.now() + 450 * DAY_MS);
    const response = await t.http.post('/v1/licence-check', licensee.key, {
      questions: [
        { identifier: 'isbn:9780306406157', usage: 'ai-train', at: TODAY },
        { identifier: 'isbn:9780306406157', usage: 'ai-input', at: TODAY },
        { identifier: 'isbn:9780306406157', usage: 'search', at: TODAY },
        { identifier: 'isbn:9780306406157', usage: 'ai-train', at: far },
      ],
    });
    expect(response.status).toBe(200);
    const answers = response.body.answers as {
      licensed: boolean;
      receipt?: { id: string } | null;
    }[];
    expect(answers.map((answer) => answer.licensed)).toEqual([true, true, false, true]);
    expect(answers[0].receipt!.id).toBe((await check(TODAY)).body.receipt.id);
    expect(answers[1].receipt!.id).toBe(
      (await check(TODAY, licensee.key, 'ai-input')).body.receipt.id,
    );
    expect(answers[1].receipt!.id).not.toBe(answers[0].receipt!.id);
    expect('receipt' in answers[2]).toBe(false);
    expect(answers[3].receipt).toBeNull();
  });

  it('the JWKS is public and cacheable: an ETag, and 304 when it has not changed', async () => {
    const response = await t.http.get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const keys = response.body.keys as Record<string, string>[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    const again = await t.http.get('/.well-known/jwks.json', undefined, {
      'if-none-match': String(response.headers.etag),
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('rotation: the new key signs, receipts of the old one still verify, a repeated rotation is refused, and an expired key leaves the JWKS', async () => {
    const before = (await check(TODAY)).body.receipt;
    const oldKid = await signingKid();
    expect(JSON.parse(Buffer.from(before.token.split('.')[0], 'base64url').toString()).kid).toBe(
      oldKid,
    );

    const rotated = await t.http.post('/v1/licence-receipt-keys', ADMIN_KEY, {
      retiringKid: oldKid,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ state: 'signing', retiredAt: null, expiresAt: null });
    const newKid = rotated.body.kid as string;
    expect(newKid).not.toBe(oldKid);

    // Retried, or sent from a stale view: refused, nothing rotated again.
    const repeated = await t.http.post('/v1/licence-receipt-keys', ADMIN_KEY, {
      retiringKid: oldKid,
    });
    expect(repeated.status).toBe(409);
    expect(repeated.body).toMatchObject({
      type: expect.stringMatching(/receipt-key-not-signing$/),
      signingKid: newKid,
    });
    const listed = (await t.http.get('/v1/licence-receipt-keys', finance)).body.data as {
      kid: string;
      state: string;
      retiredAt: string | null;
      expiresAt: string | null;
    }[];
    expect(listed.filter((key) => key.state === 'signing').map((key) => key.kid)).toEqual([newKid]);
    const old = listed.find((key) => key.kid === oldKid)!;
    expect(old.state).toBe('verifying');
    expect(Date.parse(old.expiresAt!) - Date.parse(old.retiredAt!)).toBe(400 * DAY_MS);

    const after = (await check(TODAY)).body.receipt;
    expect(after.id).toBe(before.id);
    expect(JSON.parse(Buffer.from(after.token.split('.')[0], 'base64url').toString()).kid).toBe(
      newKid,
    );
    const published = await jwks();
    expect((published.keys as { kid: string }[]).map((key) => key.kid)).toEqual(
      expect.arrayContaining([oldKid, newKid]),
    );
    const options = { issuer: t.env.PUBLIC_BASE_URL, at: noonOf(TODAY) };
    for (const token of [before.token, after.token]) {
      await expect(verifyLicenceReceipt(token, published, options)).resolves.toMatchObject({
        valid: true,
      });
    }

    // The old key's time is up: it leaves the JWKS (the change is notified), its receipts stop verifying.
    await t.sql(
      `UPDATE licence_receipt_keys SET retired_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE kid = $1`,
      [oldKid],
    );
    await waitFor(
      async () => ((await jwks()).keys as { kid: string }[]).map((key) => key.kid),
      (kids) => !kids.includes(oldKid),
    );
    await expect(verifyLicenceReceipt(before.token, await jwks(), options)).resolves.toEqual({
      valid: false,
      reason: 'signature',
    });
    await expect(verifyLicenceReceipt(after.token, await jwks(), options)).resolves.toMatchObject({
      valid: true,
    });
    expect(
      (
        (await t.http.get('/v1/licence-receipt-keys', ADMIN_KEY)).body.data as {
          kid: string;
          state: string;
        }[]
      ).find((key) => key.kid === oldKid)!.state,
    ).toBe('expired');
  });

  it('receipts given are counted without a write per check: added once per interval, and when the process stops', async () => {
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-0-13-110362-7' }],
    });
    const stored = async () =>
      Object.fromEntries(
        (
          await t.sql<{ usage: string; receipts: string }>(
            `SELECT usage, receipts FROM licence_check_counts
              WHERE agreement_id = $1 AND work_id = $2 AND day = $3 ORDER BY usage`,
            [agreementId, work.id, TODAY],
          )
        ).map((row) => [row.usage, Number(row.receipts)]),
      );
    const ask = (app: TestApp, usage: string) =>
      app.http.get(
        `/v1/licence-check?identifier=isbn:9780131103627&usage=${usage}&at=${TODAY}`,
        licensee.key,
      );

    const often = await startTestApp({ RECEIPT_COUNT_FLUSH_MS: '200' });
    try {
      for (const usage of ['ai-train', 'ai-train', 'ai-input', 'search', 'ai-train', 'ai-input']) {
        expect((await ask(often, usage)).status).toBe(200);
      }
      // A refused answer ('search') gives no receipt and is not counted.
      expect(await waitFor(stored, (rows) => rows['ai-train'] === 3)).toEqual({
        'ai-input': 2,
        'ai-train': 3,
      });
    } finally {
      await often.close();
    }

    const seldom = await startTestApp({ RECEIPT_COUNT_FLUSH_MS: '600000' });
    let closed = false;
    try {
      for (let i = 0; i < 4; i++) await ask(seldom, 'ai-train');
      // Counted in the process only, until its interval or its stop.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await stored()).toEqual({ 'ai-input': 2, 'ai-train': 3 });
      await seldom.close();
      closed = true;
      expect(await stored()).toEqual({ 'ai-input': 2, 'ai-train': 7 });
    } finally {
      if (!closed) await seldom.close();
    }
  });

  it('only admins rotate and only admins and finance list; bad requests change nothing', async () => {
    const kid = await signingKid();
    for (const key of [licensee.key, publisher.key, finance]) {
      const response = await t.http.post('/v1/licence-receipt-keys', key, { retiringKid: kid });
      expect(response.status).toBe(403);
    }
    for (const key of [licensee.key, publisher.key]) {
      expect((await t.http.get('/v1/licence-receipt-keys', key)).status).toBe(403);
    }
    expect((await t.http.get('/v1/licence-receipt-keys')).status).toBe(401);
    const bad = [
      { rawBody: '{"retiringKid":', problem: 'malformed-json' },
      { body: { retiringKid: 42 }, problem: 'validation-failed' },
      { body: {}, problem: 'validation-failed' },
      { body: { retiringKid: kid, also: 'this' }, problem: 'validation-failed' },
      { body: { retiringKid: 'x'.repeat(101) }, problem: 'validation-failed' },
    ];
    for (const { problem, ...request } of bad) {
      const response = await t.http.request('POST', '/v1/licence-receipt-keys', {
        key: ADMIN_KEY,
        ...request,
      });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.type).toMatch(new RegExp(`${problem}$`));
    }
    expect(await signingKid()).toBe(kid);
    const [{ count }] = await t.sql<{ count: string }>(
      `SELECT count(*) FROM licence_receipt_keys WHERE retired_at IS NULL`,
    );
    expect(count).toBe('1');
  });
});
