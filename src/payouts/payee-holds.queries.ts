/**
 * Holds' SQL (PayeeHoldsService). Reads and writes payee_holds (this module's): one open hold per
 * payee, by a partial unique index.
 */

/**
 * A hold $1 on payee $2 (of publisher $3), reason $4, by principal $5 in role $6; nothing when
 * the payee is already on hold. Returns the hold if placed.
 */
export const PLACE_HOLD = `
  INSERT INTO payee_holds (id, payee_id, organization_id, reason, held_by_principal_id,
         held_by_role)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`;

/** Payee $1's open hold, if a publisher placed it, becomes finance's: principal $2, reason $3. */
export const TAKE_OVER_FOR_FINANCE = `
  UPDATE payee_holds
     SET held_by_role = 'finance', held_by_principal_id = $2, reason = $3
   WHERE payee_id = $1 AND released_at IS NULL AND held_by_role = 'publisher'
   RETURNING *`;

/** Payee $1's open hold, locked. */
export const LOCK_OPEN_HOLD = `SELECT * FROM payee_holds WHERE payee_id = $1 AND released_at IS NULL FOR UPDATE`;

/** Hold $1 released by principal $2 in role $3. */
export const RELEASE_HOLD = `
  UPDATE payee_holds
     SET released_at = now(), released_by_principal_id = $2, released_by_role = $3
   WHERE id = $1 RETURNING *`;
