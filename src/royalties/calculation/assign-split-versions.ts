import { EntityManager } from 'typeorm';
import { WORK_SPLITS } from '../../catalogue/catalogue.tables';
import { ROYALTY_CHARGES } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * The split version of the charges whose work has had more than one (few: the allocation took
 * the others' one version from the works row): the version in force at the period's end (the
 * first, for a work whose splits start later); for an adjustment, at the end of the period it
 * corrects. Race-free without a lock: a work's split version only grows, so a work that had one
 * version when the allocation read it and has more now is filled in here, from the versions
 * it has now.
 */
export const reads = [ROYALTY_CHARGES, WORK_SPLITS];
export const writes = [ROYALTY_CHARGES, 'split_shapes (through split_shape_id())'];

export async function assignSplitVersions(manager: EntityManager, run: RunRow): Promise<void> {
  // An index holds exactly these charges (royalty_charges_split_pending): no scan of the run.
  const missing = `SELECT EXISTS (SELECT 1 FROM royalty_charges
                                     WHERE run_id = $1 AND work_id IS NOT NULL
                                       AND split_version IS NULL) AS missing`;
  const [{ missing: some }] = await manager.query<{ missing: boolean }[]>(missing, [run.id]);
  if (!some) return;
  // The version's shape (split_shapes, found or stored): the charges are grouped and shared by
  // shape whichever way they got it (share-to-payees).
  await manager.query(
    `WITH days AS (
         SELECT DISTINCT work_id, COALESCE(adjusts_period_end, $1::date) AS on_date
           FROM royalty_charges
          WHERE run_id = $2 AND work_id IS NOT NULL AND split_version IS NULL),
       versions AS (
         SELECT w.work_id, w.split_version, min(w.effective_from) AS effective_from,
                jsonb_agg(jsonb_build_object('payeeId', w.payee_id, 'shareBps', w.share_bps)
                          ORDER BY w.payee_id) AS splits
           FROM ${WORK_SPLITS.name} w
          WHERE w.work_id IN (SELECT work_id FROM days)
          GROUP BY w.work_id, w.split_version),
       chosen AS (
         SELECT DISTINCT ON (d.work_id, d.on_date) d.work_id, d.on_date, v.split_version, v.splits
           FROM days d JOIN versions v ON v.work_id = d.work_id
          ORDER BY d.work_id, d.on_date, v.effective_from <= d.on_date DESC,
                   CASE WHEN v.effective_from <= d.on_date THEN -v.split_version
                        ELSE v.split_version END),
       shaped AS (
         SELECT c.*, split_shape_id(c.splits) AS shape_id
           FROM (SELECT * FROM chosen ORDER BY md5(splits::text)) c)
       UPDATE royalty_charges c SET split_version = v.split_version, split_shape_id = v.shape_id
         FROM shaped v
        WHERE c.run_id = $2 AND c.work_id = v.work_id
          AND COALESCE(c.adjusts_period_end, $1::date) = v.on_date AND c.split_version IS NULL`,
    [run.period_end, run.id],
  );
  const [{ missing: left }] = await manager.query<{ missing: boolean }[]>(missing, [run.id]);
  // Every work has a split (a work is created with one, and never deleted): a charge without
  // one would lose its money, so the run fails instead.
  if (left) throw new Error('a charged work has no split version');
}
