import { EntityManager } from 'typeorm';
import { WORKS } from '../../catalogue/catalogue.tables';
import { INVOICES, ROYALTY_CHARGES } from '../royalties.tables';
import { attachChargesPartition, newChargesPartition } from './charges-partition';
import { RunRow } from './run-state';

/**
 * The invoice and its commission over its charges, written as the run's charges
 * (royalty_charges), each with its line number in its invoice, its gross and commission, and
 * the split that shares it where the work has had one split version (assign-split-versions
 * finds the others').
 */
export const reads = ['run_sections (temp)', INVOICES, 'run_charges (temp)', WORKS];
export const writes = ['run_section_plan (temp)', ROYALTY_CHARGES];

export async function allocateCharges(manager: EntityManager, run: RunRow): Promise<void> {
  // Each section of an invoice (its own charges; the adjustments, signed) by largest remainder
  // twice, ties to the earlier line:
  // - its amount: each line's exact amount floored, and the units left (0 to the number of
  //   lines, since the amount is the exact sum rounded) one each to the largest fractions;
  // - its commission: each line's gross × bps / 10000 floored, and the units left (0 to the
  //   number of lines, since the commission is the amount × bps rounded) one each to the
  //   largest remainders — so a line's commission never exceeds its gross.
  // Remainders of the commission are integers (gross × bps mod 10000), floored for negative
  // grosses as for positive ones.
  //
  // Per section: its invoice, the lines before it in the invoice (the own charges come
  // first), the units its floors leave of its amount, and its commission.
  await manager.query(
    `CREATE TEMP TABLE run_section_plan ON COMMIT DROP AS
       SELECT i.id AS invoice_id, s.agreement_id, s.adj,
              CASE WHEN s.adj THEN COALESCE(o.n, 0) ELSE 0 END AS lines_before,
              (CASE WHEN s.adj THEN i.adjustment_amount ELSE i.amount - i.adjustment_amount END
                - s.floors)::bigint AS gross_left,
              CASE WHEN s.adj THEN i.adjustment_commission
                   ELSE i.commission - i.adjustment_commission END AS commission
         FROM run_sections s
         JOIN invoices i ON i.run_id = $1 AND i.agreement_id = s.agreement_id
         LEFT JOIN run_sections o ON o.agreement_id = s.agreement_id AND NOT o.adj`,
    [run.id],
  );
  await manager.query(`ANALYZE run_section_plan`);
  // Written straight into royalty_charges (the payee shares read them from there): a temporary
  // table in between cost a write and a sorted read of the million charges. A run's first
  // calculation writes them into a bare table that becomes the run's partition after
  // (newChargesPartition); a recalculation writes into the partition it has, through the parent.
  const partition = await newChargesPartition(manager, run.id);
  await manager.query(
    `INSERT INTO ${partition ?? 'royalty_charges'} (run_id, invoice_id, line_no, kind, agreement_id, agreement_version,
              work_id, usage, unit, units, rate, per, exact, gross, commission, adjusts_run_id,
              adjusts_period_start, adjusts_period_end, adjusts_report_ids, split_version,
              split_shape_id)
       WITH c AS (
         -- The sort keys first, fixed-width: a sort compares keys the rows hold, and reads the
         -- first ones at fixed offsets; a key behind a text or numeric column is found by walking
         -- the row (the first sort below took 2.5 s at 10M lines so, against 1.4 s).
         SELECT s.invoice_id, s.adj,
                -- The fraction of a unit, largest first: 1 − fraction in (0, 1] × 2^62, floored
                -- (fractions alike to 2^-62 fall to the exact comparison after it).
                floor((1 - (rc.exact - floor(rc.exact))) * 4611686018427387904)::bigint
                  AS fraction_key, rc.exact - floor(rc.exact) AS fraction,
                rc.kind, rc.agreement_id, rc.agreement_version, rc.work_id, rc.usage, rc.unit,
                rc.units, rc.rate, rc.per, rc.exact, rc.adjusts_run_id, rc.adjusts_period_start,
                rc.adjusts_period_end, rc.adjusts_report_ids,
                s.gross_left, s.lines_before, s.commission AS invoice_commission,
                -- The units of the floor, and the section's figures, in int8: numeric arithmetic
                -- and comparisons on each line cost ~0.8 s at 10M lines.
                floor(rc.exact)::bigint AS g_base,
                -- The split that shares the line. A work whose splits never changed has one
                -- version, in force on every day, and its row points at that split's shape (read
                -- here rather than by aggregating work_splits: 3 s at 10M lines); the others are
                -- filled in after (assign-split-versions).
                CASE WHEN w.id IS NOT NULL THEN 1 END AS split_version, w.split_shape_id AS shape_id
           FROM run_charges rc
           JOIN run_section_plan s
             ON s.agreement_id = rc.agreement_id AND s.adj = (rc.adjusts_run_id IS NOT NULL)
           LEFT JOIN ${WORKS.name} w ON w.id = rc.work_id AND w.split_version = 1
                            AND w.split_shape_id IS NOT NULL),
       g AS (
         -- A line's number is its place in its invoice: the period's own charges, then the
         -- adjustments; in each, the largest fraction of a unit first, then by kind, work, usage
         -- type, unit, agreement version and corrected period (text in byte order: run_charges'
         -- text columns are COLLATE "C", the same on every server). The order the gross is
         -- allocated in, so the numbering and the allocation share one sort (a numbering by work
         -- was a sort of its own, ~2 s at 10M lines); statements list their lines by agreement
         -- and work whatever the numbers.
         -- Per invoice (one per agreement): every sort below and the write's order (invoice,
         -- line) keep the invoice as their first key.
         -- Its rank in its section is all the window computes: the section's size before it and
         -- the units its floors leave come with it (run_section_plan), so the window streams
         -- rather than holding each section to sum it.
         SELECT c.*,
                row_number() OVER (PARTITION BY invoice_id, adj
                                   ORDER BY fraction_key, fraction DESC, kind, work_id, usage,
                                            unit, agreement_version, adjusts_period_start,
                                            adjusts_run_id) AS rank
           FROM c),
       n AS (
         SELECT g.*, (lines_before + rank)::int AS line_no,
                (g_base + CASE WHEN rank <= gross_left THEN 1 ELSE 0 END)::bigint AS gross
           FROM g),
       k AS (
         SELECT n.*, ((gross * $2::bigint) % 10000 + 10000) % 10000 AS c_rem FROM n),
       r AS (
         -- The commission's sort keys first again: the remainder, largest first, then the line.
         SELECT invoice_id, adj, ((9999 - c_rem) << 32) | line_no AS remainder_key, line_no,
                (gross * $2::bigint - c_rem) / 10000 AS c_base, kind, agreement_id,
                agreement_version, work_id, usage, unit, units, rate, per, exact, gross,
                invoice_commission, adjusts_run_id, adjusts_period_start, adjusts_period_end,
                adjusts_report_ids, split_version, shape_id
           FROM k),
       a AS (
         SELECT invoice_id, line_no, kind, agreement_id, agreement_version, work_id, usage,
                unit, units, rate, per, exact, gross,
                (c_base + CASE WHEN row_number() OVER w <= invoice_commission - (sum(c_base) OVER w)::bigint
                               THEN 1 ELSE 0 END)::bigint AS commission,
                adjusts_run_id, adjusts_period_start, adjusts_period_end, adjusts_report_ids,
                split_version, shape_id
           FROM r
         WINDOW w AS (PARTITION BY invoice_id, adj ORDER BY remainder_key
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          )
       SELECT $1::uuid, invoice_id, line_no, kind, agreement_id, agreement_version, work_id, usage,
              unit, units, rate, per, exact, gross, commission, adjusts_run_id,
              adjusts_period_start, adjusts_period_end, adjusts_report_ids, split_version, shape_id
         FROM a
        -- In key order: the primary key's index is appended to, not split at random pages. The
        -- windows above are per invoice, so this sorts each invoice's lines on their own.
        ORDER BY invoice_id, line_no`,
    [run.id, run.commission_bps],
  );
  if (partition) await attachChargesPartition(manager, run.id, partition);
}
