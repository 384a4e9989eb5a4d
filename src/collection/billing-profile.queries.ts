import { EntityManager } from 'typeorm';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import type {
  BillingAddress,
  CollectionMethod,
  CreditPreference,
  PaymentMethodSummary,
  TaxId,
} from './dto/billing-profile.dto';

/** Billing profiles' SQL (billing-profile.service, stripe-customers): licensee_customers. */

export interface LicenseeCustomerRow {
  licensee_id: string;
  stripe_customer_id: string | null;
  name: string;
  email: string | null;
  address: BillingAddress | null;
  tax_ids: TaxId[];
  collection_method: CollectionMethod;
  payment_method: PaymentMethodSummary | null;
  credit_preference: CreditPreference;
  version: number;
  stripe_version: number;
  updated_at: Date;
}

// An UPDATE … RETURNING answers [rows, count] through TypeORM: a CTE makes it a plain SELECT.
type Db = Pick<EntityManager, 'query'>;

/** The licensee's profile; made from its organization's name the first time it is asked for. */
export async function profileOf(db: Db, licenseeId: string): Promise<LicenseeCustomerRow | null> {
  const rows = await db.query<LicenseeCustomerRow[]>(
    `WITH made AS (
       INSERT INTO licensee_customers (licensee_id, name)
       SELECT o.id, o.name FROM ${ORGANIZATIONS.name} o WHERE o.id = $1 AND o.kind = 'licensee'
       ON CONFLICT (licensee_id) DO NOTHING
       RETURNING *)
     SELECT * FROM made
     UNION ALL
     SELECT * FROM licensee_customers WHERE licensee_id = $1`,
    [licenseeId],
  );
  return rows[0] ?? null;
}

/** The profile locked for an edit (made first when it is not yet). */
export async function lockProfile(
  manager: EntityManager,
  licenseeId: string,
): Promise<LicenseeCustomerRow | null> {
  if (!(await profileOf(manager, licenseeId))) return null;
  const [row] = await manager.query<LicenseeCustomerRow[]>(
    `SELECT * FROM licensee_customers WHERE licensee_id = $1 FOR UPDATE`,
    [licenseeId],
  );
  return row;
}

export async function writeProfile(
  manager: EntityManager,
  licenseeId: string,
  p: {
    name: string;
    email: string | null;
    address: BillingAddress | null;
    taxIds: TaxId[];
    collectionMethod: CollectionMethod;
    creditPreference: CreditPreference;
  },
): Promise<LicenseeCustomerRow> {
  const [row] = await manager.query<LicenseeCustomerRow[]>(
    `WITH edited AS (
       UPDATE licensee_customers
          SET name = $2, email = $3, address = $4, tax_ids = $5, collection_method = $6,
              credit_preference = $7, version = version + 1, updated_at = now()
        WHERE licensee_id = $1 RETURNING *)
     SELECT * FROM edited`,
    [
      licenseeId,
      p.name,
      p.email,
      p.address ? JSON.stringify(p.address) : null,
      JSON.stringify(p.taxIds),
      p.collectionMethod,
      p.creditPreference,
    ],
  );
  return row;
}

/** Stripe has customer $2 for the licensee, up to version $3 of its profile. */
export async function markCustomer(
  db: Db,
  licenseeId: string,
  customerId: string,
  version: number,
): Promise<void> {
  await db.query(
    `UPDATE licensee_customers
        SET stripe_customer_id = COALESCE(stripe_customer_id, $2),
            stripe_version = GREATEST(stripe_version, $3)
      WHERE licensee_id = $1`,
    [licenseeId, customerId, version],
  );
}

/** The payment method on file (null: none; automatic collection falls back to invoice). */
export async function setPaymentMethod(
  db: Db,
  licenseeId: string,
  method: PaymentMethodSummary | null,
): Promise<LicenseeCustomerRow> {
  const rows = await db.query<LicenseeCustomerRow[]>(
    `WITH edited AS (
       UPDATE licensee_customers
          SET payment_method = $2,
              collection_method = CASE WHEN $2::jsonb IS NULL AND collection_method = 'automatic'
                                       THEN 'invoice' ELSE collection_method END,
              updated_at = now()
        WHERE licensee_id = $1 RETURNING *)
     SELECT * FROM edited`,
    [licenseeId, method ? JSON.stringify(method) : null],
  );
  return rows[0];
}
