/**
 * The audit log's filters, kept in the page's URL (so a filtered view can be shared) and sent
 * as the API's query parameters (GET /v1/audit-events). Only what the API accepts is sent;
 * the API still validates it and its refusal is shown in its words.
 */
export const AUDIT_FILTERS = [
  'action',
  'resourceType',
  'resourceId',
  'organizationId',
  'principalId',
  'apiKeyId',
  'from',
  'to',
] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
export type AuditFilters = Partial<Record<AuditFilter, string>>;

/** The filters named in the URL, trimmed; empty ones left out. */
export function auditFiltersFrom(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of AUDIT_FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** The URL's search params for these filters, in a stable order (other params dropped). */
export function auditFiltersToParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of AUDIT_FILTERS) {
    const value = filters[name]?.trim();
    if (value) params.set(name, value);
  }
  return params;
}

/** A day picked as a bound of the range (UTC): `from` at its start, `to` at the next day's start. */
export function dayBound(day: string, bound: 'from' | 'to'): string {
  if (bound === 'from') return `${day}T00:00:00Z`;
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().replace('.000Z', 'Z');
}
