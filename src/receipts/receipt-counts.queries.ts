import { EntityManager } from 'typeorm';

/** A DataSource or a transaction's manager. */
type Db = Pick<EntityManager, 'query'>;

export interface ReceiptCount {
  agreementId: string;
  day: string;
  workId: string;
  usage: string;
  receipts: number;
}

/**
 * Counts added to what is stored. Rows go in key order, so two processes adding overlapping
 * counts lock them in the same order and never deadlock.
 */
export async function addReceiptCounts(db: Db, counts: ReceiptCount[]): Promise<void> {
  if (!counts.length) return;
  await db.query(
    `INSERT INTO licence_check_counts (agreement_id, day, work_id, usage, receipts)
     SELECT * FROM unnest($1::uuid[], $2::date[], $3::uuid[], $4::text[], $5::bigint[])
     ON CONFLICT (agreement_id, day, work_id, usage)
       DO UPDATE SET receipts = licence_check_counts.receipts + EXCLUDED.receipts`,
    [
      counts.map((c) => c.agreementId),
      counts.map((c) => c.day),
      counts.map((c) => c.workId),
      counts.map((c) => c.usage),
      counts.map((c) => c.receipts),
    ],
  );
}
