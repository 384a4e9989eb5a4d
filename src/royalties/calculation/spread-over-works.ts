/**
 * Not a step: the SQL that charge-fixed-fees and charge-advances share (each names the tables it
 * reads and writes).
 *
 * An amount due per agreement written as charge lines (into run_charges): spread over the
 * agreement's works in proportion to their usage charges (per unit and revenue share), exactly;
 * without usage, one line for the publisher itself (no work). How a flat fee, a minimum
 * guarantee's shortfall and an advance are charged.
 */
export interface Spread {
  /** The lines' kind, an SQL literal. */
  kind: string;
  /** Common table expressions the source needs, each followed by a comma. */
  with?: string;
  /** The rows due, one per agreement, with the alias the other parts name them by. */
  from: { source: string; alias: string };
  /** The amount due, an SQL expression over the source. */
  amount: string;
  /** Which rows are due now. */
  where: string;
}

export function spreadOverWorks({ kind, with: ctes = '', from, amount, where }: Spread): string {
  const d = from.alias;
  return `INSERT INTO run_charges
       WITH ${ctes}used AS (
         SELECT agreement_id, work_id, sum(exact) AS exact,
                sum(sum(exact)) OVER (PARTITION BY agreement_id) AS total
           FROM run_charges WHERE kind IN ('per-unit', 'revenue-share')
          GROUP BY agreement_id, work_id)
       SELECT ${kind}, ${d}.agreement_id, NULL::int, ${d}.licensee_id, ${d}.publisher_id, u.work_id,
              NULL::text, NULL::text, NULL::numeric, NULL::numeric, NULL::bigint, ${d}.currency,
              CASE WHEN u.total > 0 THEN ${amount} * u.exact / u.total ELSE ${amount} END
         FROM ${from.source} ${d}
         LEFT JOIN used u ON u.agreement_id = ${d}.agreement_id AND u.total > 0
        WHERE ${where}`;
}
