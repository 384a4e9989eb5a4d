import { EntityManager } from 'typeorm';
import { WORK_IDENTIFIERS, WORKS } from '../../catalogue/catalogue.tables';
import { ORGANIZATIONS } from '../../organizations/organizations.tables';
import type { RslOffer, RslUrlWork } from './render-rsl';
import { RSL_MAX_CONTENT } from './rsl-vocabulary';

/**
 * RSL's SQL: a publisher's active offers (licence_offers, this module's); its name from
 * organizations (owned by organizations); its works with a URL from works and work_identifiers
 * (owned by the catalogue). Writes nothing.
 */

type Runner = Pick<EntityManager, 'query'>;

export async function publisherName(db: Runner, id: string): Promise<string | undefined> {
  const [publisher] = await db.query<{ name: string }[]>(
    `SELECT name FROM ${ORGANIZATIONS.name} WHERE id = $1 AND kind = 'publisher'`,
    [id],
  );
  return publisher?.name;
}

export function activeOffers(db: Runner, publisherId: string): Promise<RslOffer[]> {
  return db.query<RslOffer[]>(
    `SELECT id, version, terms FROM licence_offers
        WHERE organization_id = $1 AND status = 'active' ORDER BY created_at, id`,
    [publisherId],
  );
}

/**
 * The publisher's active works with a URL that some offer may cover, in URL order, at most one
 * past the bound. The SQL narrows; `renderRsl` decides coverage with the licence check's rule.
 */
export function coveredUrlWorks(
  db: Runner,
  publisherId: string,
  offers: RslOffer[],
): Promise<RslUrlWork[]> {
  const values: unknown[] = [publisherId];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  const all = offers.some(({ terms }) => terms.scope.type === 'all');
  for (const { terms } of all ? [] : offers) {
    const scope = terms.scope;
    if (scope.type === 'all') continue;
    if (scope.type === 'works') {
      conditions.push(`w.id = ANY(${param(scope.workIds)}::uuid[])`);
    } else {
      const parts = ['true'];
      if (scope.kinds) parts.push(`w.kind = ANY(${param(scope.kinds)}::text[])`);
      if (scope.identifierSchemes) {
        parts.push(
          `EXISTS (SELECT 1 FROM unnest(w.identifiers) AS i WHERE split_part(i, ':', 1) = ANY(${param(scope.identifierSchemes)}::text[]))`,
        );
      }
      conditions.push(`(${parts.join(' AND ')})`);
    }
  }
  return db.query<RslUrlWork[]>(
    `SELECT w.id, w.kind, w.identifiers, wi.value AS url
         FROM ${WORK_IDENTIFIERS.name} wi JOIN ${WORKS.name} w ON w.id = wi.work_id
        WHERE wi.organization_id = $1 AND wi.scheme = 'url' AND w.status = 'active'
          AND (${all ? 'true' : conditions.join(' OR ')})
        ORDER BY wi.value COLLATE "C"
        LIMIT ${RSL_MAX_CONTENT + 1}`,
    values,
  );
}

/** The publisher's active works by these (normalized) URLs. */
export function activeWorksByUrl(
  db: Runner,
  publisherId: string,
  urls: string[],
): Promise<{ value: string; work_id: string }[]> {
  return db.query<{ value: string; work_id: string }[]>(
    `SELECT wi.value, wi.work_id FROM ${WORK_IDENTIFIERS.name} wi JOIN ${WORKS.name} w ON w.id = wi.work_id
        WHERE wi.organization_id = $1 AND wi.scheme = 'url' AND wi.value = ANY($2::text[])
          AND w.status = 'active'`,
    [publisherId, urls],
  );
}
