import { randomUUID } from 'node:crypto';
import { ADMIN_KEY, Http } from '../support/test-app';

export interface OrganizationFixture {
  id: string;
  name: string;
  kind: 'publisher' | 'licensee';
  key: string;
  apiKeyId: string;
  principalId: string;
}

/** A new organization with its first key, made through the API as an admin would. */
export async function createOrganization(
  http: Http,
  overrides: { name?: string; kind?: 'publisher' | 'licensee'; principalName?: string } = {},
): Promise<OrganizationFixture> {
  const name = overrides.name ?? `Org ${randomUUID().slice(0, 8)}`;
  const kind = overrides.kind ?? 'publisher';
  const response = await http.post('/v1/organizations', ADMIN_KEY, {
    name,
    kind,
    principal: { name: overrides.principalName ?? 'integration' },
  });
  if (response.status !== 201) {
    throw new Error(`createOrganization: ${response.status} ${response.text}`);
  }
  return {
    id: response.body.organization.id,
    name,
    kind,
    key: response.body.apiKey.key,
    apiKeyId: response.body.apiKey.id,
    principalId: response.body.apiKey.principalId,
  };
}
