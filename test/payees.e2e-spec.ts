import { createPayee } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('payees', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http, { name: 'Payee Press' });
  });
  afterAll(() => t.close());

  it('gives every publisher a default payee, itself', async () => {
    const list = await t.http.get('/v1/payees', publisher.key);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ name: 'Payee Press', isDefault: true, currency: null, version: 1 }),
    ]);
  });

  it('creates a payee and shows it', async () => {
    const created = await t.http.post('/v1/payees', publisher.key, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      country: 'GB',
      currency: 'GBP',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      country: 'GB',
      currency: 'GBP',
      isDefault: false,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await t.http.get(`/v1/payees/${created.body.id}`, publisher.key)).body).toEqual({
      ...created.body,
      publisherId: publisher.id,
      publisherName: 'Payee Press',
      hold: null,
      stripeAccountId: null,
      payoutsEnabled: false,
    });
  });

  it('names each bad field', async () => {
    const response = await t.http.post('/v1/payees', publisher.key, {
      name: ' ',
      email: 'not-an-email',
      country: 'XX',
      currency: 'EURO',
      iban: 'DE00',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'country',
      'currency',
      'email',
      'iban',
      'name',
    ]);
  });

  it('updates with If-Match and answers 412 on a stale version', async () => {
    const payee = await createPayee(t.http, publisher.key);
    const updated = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: publisher.key,
      body: { email: 'new@example.com' },
      headers: { 'if-match': '1' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ email: 'new@example.com', version: 2 });
    const stale = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: publisher.key,
      body: { email: 'other@example.com' },
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: `${PROBLEM}precondition-failed`, currentVersion: 2 });
    expect((await t.http.get(`/v1/payees/${payee.id}`, publisher.key)).body.email).toBe(
      'new@example.com',
    );
  });

  it('refuses null for a field that cannot be cleared', async () => {
    const payee = await createPayee(t.http, publisher.key);
    const response = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: publisher.key,
      body: { name: null, currency: null },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'currency',
      'name',
    ]);
  });

  it('clears a field with null and keeps an unchanged payee at its version', async () => {
    const payee = await createPayee(t.http, publisher.key, { country: 'FR' });
    const cleared = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: publisher.key,
      body: { country: null },
    });
    expect(cleared.body).toMatchObject({ country: null, version: 2 });
    const same = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: publisher.key,
      body: { country: null },
    });
    expect(same.body.version).toBe(2);
  });

  it("answers 404 for another publisher's payee and 403 for a licensee", async () => {
    const payee = await createPayee(t.http, publisher.key);
    const other = await createOrganization(t.http);
    expect((await t.http.get(`/v1/payees/${payee.id}`, other.key)).status).toBe(404);
    const patch = await t.http.request('PATCH', `/v1/payees/${payee.id}`, {
      key: other.key,
      body: { name: 'Mine' },
    });
    expect(patch.status).toBe(404);
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    expect((await t.http.get('/v1/payees', licensee.key)).status).toBe(403);
  });

  it('creates once per Idempotency-Key; the same key with another body is 409', async () => {
    const body = { name: 'Idem Author', currency: 'USD' };
    const headers = { 'idempotency-key': `payee-${Date.now()}` };
    const first = await t.http.post('/v1/payees', publisher.key, body, headers);
    const again = await t.http.post(
      '/v1/payees',
      publisher.key,
      { currency: 'USD', name: 'Idem Author' },
      headers,
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const count = await t.sql(`SELECT count(*)::int AS n FROM payees WHERE name = 'Idem Author'`);
    expect(count).toEqual([{ n: 1 }]);
    const different = await t.http.post(
      '/v1/payees',
      publisher.key,
      { name: 'Other', currency: 'USD' },
      headers,
    );
    expect(different.status).toBe(409);
    expect(different.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
  });
});
