import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { createWork } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const RSL = 'application/rsl+xml';
/** The configured public address; a trailing slash is dropped. */
const PUBLIC_BASE = 'https://ledger.example.org/';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: 'text',
  alwaysCreateTextNode: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

interface Node {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed XML
}

/** Each <content url> with, per licence: offer id, permits/prohibits by type, payments. */
function readDocument(text: string) {
  const root = (xml.parse(text) as Node).rsl[0] as Node;
  expect(root.xmlns).toBe('https://rslstandard.org/rsl');
  return ((root.content ?? []) as Node[]).map((content) => ({
    url: content.url as string,
    licenses: (content.license as Node[]).map((license) => ({
      offer: license['rl:offer'] as string,
      permits: Object.fromEntries(
        ((license.permits ?? []) as Node[]).map((p) => [p.type, p.text.split(' ')]),
      ),
      prohibits: Object.fromEntries(
        ((license.prohibits ?? []) as Node[]).map((p) => [p.type, p.text.split(' ')]),
      ),
      payments: ((license.payment ?? []) as Node[]).map((p) => ({
        type: p.type as string,
        ...(p.amount ? { amount: p.amount[0].text, currency: p.amount[0].currency } : {}),
      })),
    })),
  }));
}

describe('RSL', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let other: OrganizationFixture;
  let licensee: OrganizationFixture;
  const site = `https://${randomUUID().slice(0, 8)}.example`;
  let works: { id: string }[];
  let trainingOffer: { id: string; terms: Record<string, unknown> };
  let searchOffer: { id: string };

  const urlWork = (key: string, path: string, kind = 'article') =>
    createWork(t.http, key, {
      kind,
      identifiers: [{ scheme: 'url', value: `${site}${path}` }],
    });

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: PUBLIC_BASE });
    publisher = await createOrganization(t.http, { name: 'Northwind & Sons' });
    other = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    works = [
      await urlWork(publisher.key, '/b', 'book'),
      await urlWork(publisher.key, '/a'),
      await urlWork(publisher.key, '/c'),
    ];
    await createWork(t.http, publisher.key); // no URL: never listed
    await urlWork(other.key, '/theirs'); // another publisher's: never listed
    await t.http.post(`/v1/works/${works[2].id}/withdraw`, publisher.key);
    const post = async (terms: Record<string, unknown>) => {
      const response = await t.http.post('/v1/licence-offers', publisher.key, offerTerms(terms));
      expect(response.status).toBe(201);
      return response.body;
    };
    trainingOffer = await post({
      title: 'Training, books and /a',
      scope: { type: 'works', workIds: [works[0].id, works[1].id, works[2].id] },
      usages: ['ai-train', 'x-acme:finetune'],
      prohibits: ['ai-index'],
      territories: ['DE', 'FR'],
      userTypes: ['commercial'],
      currency: 'EUR',
      pricing: {
        rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }],
        flatFee: { amount: 500000, period: 'month' },
      },
    });
    searchOffer = await post({
      title: 'Search, books',
      scope: { type: 'filter', kinds: ['book'] },
      usages: ['search'],
      currency: 'JPY',
      pricing: { rates: [{ usage: 'search', unit: 'crawl', per: 1, rate: '3' }] },
      attributionRequired: true,
    });
    const retired = await post({ title: 'Retired', scope: { type: 'all' } });
    await t.http.post(`/v1/licence-offers/${retired.id as string}/retire`, publisher.key);
    await t.http.post('/v1/licence-offers', other.key, offerTerms({ scope: { type: 'all' } }));
  });
  afterAll(() => t.close());

  describe('GET /rsl/:publisherId.xml', () => {
    it("lists the active offers' licences under each covered URL, without an API key", async () => {
      const response = await t.http.get(`/rsl/${publisher.id}.xml`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/rsl+xml; charset=utf-8');
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      expect(response.text).toContain(
        '<copyright type="organization">Northwind &amp; Sons</copyright>',
      );
      const training = {
        offer: trainingOffer.id,
        permits: {
          usage: ['ai-train', 'x-acme:finetune'],
          user: ['commercial'],
          geo: ['DE', 'FR'],
        },
        prohibits: { usage: ['ai-index'] },
        payments: [
          { type: 'training', amount: '0.000125', currency: 'EUR' },
          { type: 'subscription', amount: '5000.00', currency: 'EUR' },
        ],
      };
      const search = {
        offer: searchOffer.id,
        permits: { usage: ['search'] },
        prohibits: {},
        payments: [{ type: 'crawl', amount: '3', currency: 'JPY' }, { type: 'attribution' }],
      };
      expect(readDocument(response.text)).toEqual([
        { url: `${site}/a`, licenses: [training] },
        { url: `${site}/b`, licenses: [training, search] },
      ]);
      expect(response.text).not.toContain('/theirs');
      expect(response.text).not.toContain(`${site}/c`);
      expect(response.text).toContain(
        `<custom>https://ledger.example.org/v1/licence-offers/${trainingOffer.id}</custom>`,
      );
    });

    it('answers 304 to If-None-Match with its strong ETag, 200 once it changed', async () => {
      const first = await t.http.get(`/rsl/${publisher.id}.xml`);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      const again = await t.http.get(`/rsl/${publisher.id}.xml`, undefined, {
        'if-none-match': `"other", W/${etag}`,
      });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(etag);
      await urlWork(publisher.key, '/d', 'book');
      const changed = await t.http.get(`/rsl/${publisher.id}.xml`, undefined, {
        'if-none-match': etag,
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(readDocument(changed.text).map((content) => content.url)).toEqual([
        `${site}/a`,
        `${site}/b`,
        `${site}/d`,
      ]);
    });

    it('builds its links from PUBLIC_BASE_URL: a forged Host or X-Forwarded-Host never reaches the cached document', async () => {
      const honest = await t.http.get(`/rsl/${publisher.id}.xml`);
      const forgeries: Record<string, string>[] = [
        { host: 'attacker.example' },
        { host: 'attacker.example:8443', 'x-forwarded-host': 'attacker.example' },
        { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'javascript' },
      ];
      for (const headers of forgeries) {
        const forged = await t.http.get(`/rsl/${publisher.id}.xml`, undefined, headers);
        expect(forged.status).toBe(200);
        expect(forged.headers['cache-control']).toBe('public, max-age=300');
        expect(forged.text).not.toContain('attacker');
        expect(forged.text).not.toContain('javascript');
        // The same bytes and ETag whoever asks: a shared cache can only ever hold the honest copy.
        expect(forged.text).toBe(honest.text);
        expect(forged.headers.etag).toBe(honest.headers.etag);
      }
      expect(honest.text).toContain(`<custom>https://ledger.example.org/v1/licence-offers/`);
    });

    it.each([
      ['an unknown id', () => randomUUID()],
      ['a licensee', () => licensee.id],
      ['a malformed id', () => 'not-a-uuid'],
    ])('answers 404 problem+json for %s', async (_, makeId) => {
      const id = makeId();
      const response = await t.http.get(`/rsl/${id}.xml`);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({
        type: `${PROBLEM}not-found`,
        status: 404,
        detail: `publisher ${id} was not found`,
      });
    });
  });

  describe('POST /v1/licence-offers/import-rsl', () => {
    const importRsl = (body: string, key: string | undefined = publisher.key, type = RSL) =>
      t.http.request('POST', '/v1/licence-offers/import-rsl', {
        key,
        rawBody: body,
        headers: { 'content-type': type },
      });
    const offerCount = async () =>
      Number(
        (
          await t.sql<{ n: string }>(
            'SELECT count(*) AS n FROM licence_offers WHERE organization_id = $1',
            [publisher.id],
          )
        )[0].n,
      );

    it('reads an early-draft document: tokens mapped, extensions kept, URLs resolved to works', async () => {
      const before = await offerCount();
      const document = `<?xml version="1.0"?>
<rsl xmlns="https://rslstandard.org/rsl">
  <content url="${site}/a/?utm_source=feed">
    <license>
      <permits type="usage">train-ai, ai-use x-acme:finetune rag</permits>
      <prohibits type="usage">train-genai</prohibits>
      <payment type="inference"><amount currency="EUR">0.002</amount></payment>
    </license>
  </content>
  <content url="/premium/*">
    <license>
      <permits type="usage">train-ai, ai-use x-acme:finetune rag</permits>
      <prohibits type="usage">train-genai</prohibits>
      <payment type="inference"><amount currency="EUR">0.002</amount></payment>
    </license>
  </content>
</rsl>`;
      const response = await importRsl(document, publisher.key, 'text/xml; charset=utf-8');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        offers: [
          {
            title: `Imported from RSL (${site}/a/?utm_source=feed)`,
            scope: { type: 'works', workIds: [works[1].id] },
            usages: ['ai-input', 'ai-train', 'x-acme:finetune'],
            prohibits: ['ai-train'],
            territories: ['worldwide'],
            userTypes: [],
            term: {},
            currency: 'EUR',
            pricing: { rates: [{ usage: 'ai-input', unit: 'request', per: 1, rate: '0.2' }] },
            attributionRequired: false,
          },
        ],
        warnings: [
          'early-draft usage "train-ai" read as "ai-train"',
          'early-draft usage "ai-use" read as "ai-input"',
          'unknown usage "rag" left out (extensions are written x-<namespace>:<token>)',
          'early-draft usage "train-genai" read as "ai-train"',
          '<payment type="inference"> read as a rate per request for ai-input',
          "content /premium/* is a pattern or path, not one work's URL: not in the scope",
          'term: give start (and end), or durationMonths from acceptance',
        ].map((message) => ({ offer: 0, message })),
      });
      expect(await offerCount()).toBe(before);
    });

    it('reads its own export back into the offers’ terms, ready to POST', async () => {
      const exported = (await t.http.get(`/rsl/${publisher.id}.xml`)).text;
      const response = await importRsl(exported);
      expect(response.status).toBe(200);
      expect(response.body.warnings).toEqual([]);
      const active = (await t.http.get('/v1/licence-offers?status=active', publisher.key)).body
        .data as { id: string; terms: Record<string, unknown> }[];
      const byTitle = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        String(a.title).localeCompare(String(b.title));
      const expected = active
        .map((offer) => offer.terms)
        .map((terms) =>
          terms.title === 'Training, books and /a'
            ? // the withdrawn work is not in the document, so not in the scope read back
              { ...terms, scope: { type: 'works', workIds: [works[0].id, works[1].id].sort() } }
            : terms,
        );
      expect([...response.body.offers].sort(byTitle)).toEqual(expected.sort(byTitle));
      const created = await t.http.post(
        '/v1/licence-offers',
        publisher.key,
        response.body.offers[0],
      );
      expect(created.status).toBe(201);
    });

    it('refuses malformed XML with 400 rsl-malformed naming line and column; nothing is created', async () => {
      const before = await offerCount();
      const response = await importRsl(
        '<rsl xmlns="https://rslstandard.org/rsl">\n  <content url="x">\n</rsl>',
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        type: `${PROBLEM}rsl-malformed`,
        title: 'Malformed RSL document',
        line: 3,
        column: expect.any(Number),
      });
      expect(response.body.detail).toMatch(
        /^The body is not well-formed XML: .* \(line 3, column \d+\)$/,
      );
      expect(await offerCount()).toBe(before);
    });

    it('refuses a DTD (no entity expansion)', async () => {
      const response = await importRsl(
        '<!DOCTYPE rsl [<!ENTITY a "aaaa">]><rsl xmlns="https://rslstandard.org/rsl">&a;</rsl>',
      );
      expect(response.status).toBe(400);
      expect(response.body.type).toBe(`${PROBLEM}rsl-malformed`);
    });

    it('refuses a document whose root is not RSL with 422 not-rsl', async () => {
      const response = await importRsl(
        '<rss version="2.0"><channel/></rss>',
        publisher.key,
        'application/xml',
      );
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        type: `${PROBLEM}not-rsl`,
        detail:
          'The root element is <rss> without a namespace; an RSL document\'s root is <rsl xmlns="https://rslstandard.org/rsl">',
      });
    });

    it('refuses JSON with 415', async () => {
      const response = await t.http.post('/v1/licence-offers/import-rsl', publisher.key, {
        rsl: '<rsl/>',
      });
      expect(response.status).toBe(415);
      expect(response.body.type).toBe(`${PROBLEM}unsupported-media-type`);
    });

    it('is for publishers: 403 for a licensee, 401 without a key', async () => {
      const forbidden = await importRsl('<rsl xmlns="https://rslstandard.org/rsl"/>', licensee.key);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.type).toBe(`${PROBLEM}forbidden`);
      const anonymous = await importRsl('<rsl xmlns="https://rslstandard.org/rsl"/>', '');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.type).toBe(`${PROBLEM}unauthenticated`);
    });
  });
});
