import { randomUUID } from 'node:crypto';
import { Http } from '../support/test-app';

export async function createPayee(
  http: Http,
  key: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const response = await http.post('/v1/payees', key, {
    name: `Author ${randomUUID().slice(0, 6)}`,
    currency: 'EUR',
    ...overrides,
  });
  if (response.status !== 201) throw new Error(`createPayee: ${response.status} ${response.text}`);
  return response.body;
}

/** A valid new work body: a fresh externalId and a unique ext: identifier. */
export function workBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const externalId = `W-${randomUUID()}`;
  return {
    externalId,
    title: 'The Analytical Engine',
    kind: 'book',
    identifiers: [{ scheme: 'ext', value: externalId }],
    ...overrides,
  };
}

export async function createWork(
  http: Http,
  key: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number; [field: string]: unknown }> {
  const response = await http.post('/v1/works', key, workBody(overrides));
  if (response.status !== 201) throw new Error(`createWork: ${response.status} ${response.text}`);
  return response.body;
}

/** A valid ISBN-13 (978 prefix) no other test registers, and its ISBN-10 form. */
export function freshIsbn(): { isbn13: string; isbn10: string } {
  const body = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const sum13 = [...body].reduce((sum, d, i) => sum + Number(d) * (i % 2 ? 3 : 1), 0);
  const isbn13 = `${body}${(10 - (sum13 % 10)) % 10}`;
  const core = body.slice(3);
  const sum10 = [...core].reduce((sum, d, i) => sum + Number(d) * (10 - i), 0);
  const check10 = (11 - (sum10 % 11)) % 11;
  return { isbn13, isbn10: `${core}${check10 === 10 ? 'X' : String(check10)}` };
}
