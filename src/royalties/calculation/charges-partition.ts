import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { INVOICES, ROYALTY_CHARGES } from '../royalties.tables';

/**
 * A run's charges are a partition of royalty_charges of their own (royalty_charges_partition()
 * names it): emptied whole when the run is calculated again; on a run's first calculation,
 * written as a bare table and attached after, its checks made once over the run.
 */
export const reads = [INVOICES, ROYALTY_CHARGES];
export const writes = ['royalty_charges_<run> (the run’s partition of royalty_charges)'];

/** A run's id as an SQL literal, for DDL (which takes no parameters); refused unless a uuid. */
const literalUuid = (id: string): string => {
  if (!isUUID(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
};

/** The name of a run's charges partition (royalty_charges_partition), and whether it exists. */
export async function chargesPartition(
  manager: EntityManager,
  runId: string,
): Promise<{ name: string; exists: boolean }> {
  const [partition] = await manager.query<{ name: string; exists: boolean }[]>(
    `SELECT p.name, to_regclass(p.name) IS NOT NULL AS exists
         FROM (SELECT royalty_charges_partition($1::uuid) AS name) p`,
    [runId],
  );
  return partition;
}

/**
 * The table a run's first calculation writes its charges into: bare (no primary key, no
 * trigger), with royalty_charges' columns and checks and one more, its run, so that attaching
 * it needs no scan. Null when the run has its partition already (a recalculation).
 */
export async function newChargesPartition(
  manager: EntityManager,
  runId: string,
): Promise<string | null> {
  const { name, exists } = await chargesPartition(manager, runId);
  if (exists) return null;
  await manager.query(
    `CREATE TABLE ${name} (LIKE royalty_charges INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
         CONSTRAINT ${name}_run CHECK (run_id = ${literalUuid(runId)}))`,
  );
  return name;
}

/**
 * The checks the shared table's triggers make of rows written into it, made once over the
 * run's charges (every charge's invoice exists in its run, and is locked FOR KEY SHARE as a
 * foreign key would lock it); then the primary key and indexes built in one sorted pass each,
 * and the table attached as the run's partition (from then on, its row trigger too).
 */
export async function attachChargesPartition(
  manager: EntityManager,
  runId: string,
  partition: string,
): Promise<void> {
  await manager.query(`SELECT 1 FROM invoices WHERE run_id = $1 FOR KEY SHARE`, [runId]);
  const [{ dangling }] = await manager.query<{ dangling: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT invoice_id FROM ${partition}) c
                       WHERE NOT EXISTS (SELECT 1 FROM invoices i
                                          WHERE i.id = c.invoice_id AND i.run_id = $1)) AS dangling`,
    [runId],
  );
  if (dangling)
    throw new Error(
      'royalty_charges: a charge refers to an invoice that does not exist in its run',
    );
  await manager.query(
    `ALTER TABLE royalty_charges ATTACH PARTITION ${partition} FOR VALUES IN (${literalUuid(runId)})`,
  );
}
