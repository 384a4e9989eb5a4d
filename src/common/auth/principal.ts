export const ORGANIZATION_KINDS = ['publisher', 'licensee', 'operator'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ROLES = ['admin', 'finance', 'publisher', 'licensee'] as const;
export type Role = (typeof ROLES)[number];

/** Which roles an organization of each kind may hold; the database enforces the same table. */
export const ROLES_BY_KIND: Record<OrganizationKind, readonly Role[]> = {
  operator: ['admin', 'finance'],
  publisher: ['publisher'],
  licensee: ['licensee'],
};

/** The authenticated caller of a request: who, for which organization, with which key. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  organizationKind: OrganizationKind;
  apiKeyId: string;
  apiKeyPrefix: string;
  /** The request this principal acts in, for the audit trail (always the server's id). */
  requestId: string;
  /** The caller's own id for the request (X-Correlation-Id), when it sent a valid one. */
  correlationId?: string | null;
}

/** Operator roles act across organizations; every other role only inside its own. */
export function isPlatformRole(role: Role): boolean {
  return role === 'admin' || role === 'finance';
}
