import fc from 'fast-check';
import { canonicalJson, fingerprint } from './idempotency';

describe('fingerprint', () => {
  it('is the same for bodies that differ only in key order', () => {
    expect(fingerprint('POST /v1/works', { a: 1, b: { c: 2, d: [1, 2] } })).toEqual(
      fingerprint('POST /v1/works', { b: { d: [1, 2], c: 2 }, a: 1 }),
    );
  });

  it('differs by route and by any value', () => {
    const body = { title: 'A' };
    expect(fingerprint('POST /v1/works', body)).not.toEqual(fingerprint('POST /v1/payees', body));
    expect(fingerprint('POST /v1/works', body)).not.toEqual(
      fingerprint('POST /v1/works', { title: 'B' }),
    );
    expect(fingerprint('POST /v1/works', { list: [1, 2] })).not.toEqual(
      fingerprint('POST /v1/works', { list: [2, 1] }),
    );
  });

  it('differs by the concrete path: one route template, two resources, two fingerprints', () => {
    const body = { amount: 10000 };
    expect(fingerprint('POST /v1/invoices/a/payments', body)).not.toEqual(
      fingerprint('POST /v1/invoices/b/payments', body),
    );
    expect(fingerprint('POST /v1/payees/a/advances', body)).not.toEqual(
      fingerprint('PUT /v1/payees/a/advances', body),
    );
  });

  it('never equates two different paths or bodies', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string()),
        fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })),
        ([path, otherPath], [body, otherBody]) => {
          const same =
            path === otherPath && canonicalJson(body ?? null) === canonicalJson(otherBody ?? null);
          expect(
            fingerprint(`POST ${path}`, body).equals(fingerprint(`POST ${otherPath}`, otherBody)),
          ).toBe(same);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('canonicalizes any JSON value to an order-independent form', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
      }),
    );
  });
});
