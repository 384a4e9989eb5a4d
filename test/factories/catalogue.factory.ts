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
