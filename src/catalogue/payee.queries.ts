import { EntityManager } from 'typeorm';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import { PAYEE_HOLDS, PAYEE_STRIPE_ACCOUNTS } from '../payouts/payouts.tables';
import type { PayeeListRow } from './dto/payee.dto';

/**
 * The payees API's SQL beyond the entity's own reads and writes. Reads payees (this module's);
 * for a payee's publisher and payout state, organizations (owned by organizations) and
 * payee_holds and payee_stripe_accounts (owned by payouts, docs/PAYOUTS.md). Writes nothing.
 */

type Runner = Pick<EntityManager, 'query'>;

/** The list's filters, each null when unused. */
export interface PayeeListFilter {
  /** The principal's own organization, or null for a platform principal. */
  scopeOrganizationId: string | null;
  publisherId: string | null;
  held: boolean | null;
  /** An ILIKE pattern on the name. */
  pattern: string | null;
  /** The cursor: payees after this id. */
  after: string | null;
  id: string | null;
  limit: number;
}

/** Payees by id with their publisher, open hold and Stripe state: one page costs one query. */
export function payeeListRows(db: Runner, filter: PayeeListFilter): Promise<PayeeListRow[]> {
  return db.query<PayeeListRow[]>(
    `SELECT p.id, p.organization_id, o.name AS publisher_name, p.name, p.email, p.country,
              p.currency, p.is_default, p.version, p.created_at, p.updated_at,
              h.reason AS hold_reason, h.held_at, h.held_by_role,
              s.stripe_account_id, s.payouts_enabled, s.transfers_capability
         FROM payees p
         JOIN ${ORGANIZATIONS.name} o ON o.id = p.organization_id
         LEFT JOIN ${PAYEE_HOLDS.name} h ON h.payee_id = p.id AND h.released_at IS NULL
         LEFT JOIN ${PAYEE_STRIPE_ACCOUNTS.name} s ON s.payee_id = p.id
        WHERE ($1::uuid IS NULL OR p.organization_id = $1)
          AND ($2::uuid IS NULL OR p.organization_id = $2)
          AND ($3::boolean IS NULL OR (h.id IS NOT NULL) = $3)
          AND ($4::text IS NULL OR p.name ILIKE $4)
          AND ($5::uuid IS NULL OR p.id > $5)
          AND ($6::uuid IS NULL OR p.id = $6)
        ORDER BY p.id LIMIT $7`,
    [
      filter.scopeOrganizationId,
      filter.publisherId,
      filter.held,
      filter.pattern,
      filter.after,
      filter.id,
      filter.limit,
    ],
  );
}

/** Which of these (valid) ids are payees, with their publishers. */
export function payeesByIds(
  db: Runner,
  ids: string[],
): Promise<{ id: string; organization_id: string }[]> {
  return db.query<{ id: string; organization_id: string }[]>(
    `SELECT id, organization_id FROM payees WHERE id = ANY ($1::uuid[]) ORDER BY id`,
    [ids],
  );
}
