import { workBody } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/** [scheme, two equivalent written forms, the normalized value, a value with a bad check digit or form] */
const SCHEMES: [string, string, string, string, string][] = [
  ['isbn', '0-306-40615-2', '978 0 306 40615 7', '9780306406157', '978-0-306-40615-8'],
  ['issn', '0317-8471', '03178471', '0317-8471', '0317-8472'],
  ['doi', 'doi:10.1000/XYZ-9', 'https://doi.org/10.1000/xyz-9', '10.1000/xyz-9', '11.1000/xyz'],
  ['iswc', 'T-034.524.680-1', 't0345246801', 'T0345246801', 'T-034.524.680-2'],
  ['isrc', 'US-RC1-76-07839', 'usrc17607839', 'USRC17607839', 'USRC1760783'],
  ['isni', '0000 0001 2146 438X', '000000012146438x', '000000012146438X', '0000000121464381'],
  [
    'url',
    'HTTP://Example.com:80/a/?utm_source=news&id=7#part',
    'http://example.com/a?id=7',
    'http://example.com/a?id=7',
    'ftp://example.com/a',
  ],
  [
    'sha256',
    'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'e3b0c442',
  ],
  ['ext', '  NWP/2026/001  ', 'NWP/2026/001', 'NWP/2026/001', 'bad\u0001id'],
];

describe('identifiers through the API', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
  });
  afterAll(() => t.close());

  describe.each(SCHEMES)('%s', (scheme, form, equivalent, normalized, invalid) => {
    it('stores the normalized form, finds it by an equivalent one, and refuses the equivalent twice', async () => {
      const created = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [{ scheme, value: form }] }),
      );
      expect(created.status).toBe(201);
      expect(created.body.identifiers).toEqual([{ scheme, value: normalized }]);

      const found = await t.http.get(
        `/v1/works?identifier=${encodeURIComponent(`${scheme}:${equivalent}`)}`,
        publisher.key,
      );
      expect(found.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id]);

      const twice = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [{ scheme, value: equivalent }] }),
      );
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({
        identifier: `${scheme}:${normalized}`,
        existingWorkId: created.body.id,
      });
    });

    it('answers 400 naming an invalid one', async () => {
      const response = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [{ scheme, value: invalid }] }),
      );
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'identifiers.0', messages: [expect.any(String)] },
      ]);
    });
  });

  describe('forms peer libraries agree on (python-stdnum, idutils, xbib)', () => {
    it('accepts an ISNI written with hyphens, stores its 16 characters and finds it by either form', async () => {
      const created = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [{ scheme: 'isni', value: '0000-0002-1825-0097' }] }),
      );
      expect(created.status).toBe(201);
      expect(created.body.identifiers).toEqual([{ scheme: 'isni', value: '0000000218250097' }]);

      for (const form of ['isni:0000-0002-1825-0097', 'isni:0000 0002 1825 0097']) {
        const found = await t.http.get(
          `/v1/works?identifier=${encodeURIComponent(form)}`,
          publisher.key,
        );
        expect(found.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
      }
    });

    it('refuses an ISRC whose country code was never allocated: 400 problem+json, nothing written', async () => {
      const body = workBody({ identifiers: [{ scheme: 'isrc', value: 'XX-SKG-19-12345' }] });
      const response = await t.http.post('/v1/works', publisher.key, body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ type: `${PROBLEM}validation-failed`, status: 400 });
      expect(response.body.errors).toEqual([
        {
          field: 'identifiers.0',
          messages: [
            'isrc XXSKG1912345 has an unallocated country code XX (neither ISO 3166-1 nor an ISRC agency prefix)',
          ],
        },
      ]);
      expect(
        await t.sql('SELECT count(*)::int AS n FROM works WHERE external_id = $1', [
          body.externalId,
        ]),
      ).toEqual([{ n: 0 }]);
    });
  });
});
