import { EntityManager } from 'typeorm';
import { AGREEMENTS } from '../licensing/licensing.tables';
import { LICENCE_CHECK_COUNTS } from '../receipts/receipts.tables';
import { USAGE_AGGREGATES, USAGE_REPORTS } from '../usage/usage.tables';

/** A DataSource or a transaction's manager. */
type Db = Pick<EntityManager, 'query'>;

/** Whose agreements a caller sees: a publisher its own, a licensee its own, finance every one. */
export interface ComplianceScope {
  publisherId: string | null;
  licenseeId: string | null;
}

const IN_SCOPE = `($3::uuid IS NULL OR a.publisher_id = $3) AND ($4::uuid IS NULL OR a.licensee_id = $4)`;

/**
 * The reports that count for a period [$1, $2]: accepted, not superseded, their period
 * overlapping it.
 */
const COUNTING_REPORTS = `
  SELECT r.id FROM ${USAGE_REPORTS.name} r
   WHERE r.status = 'accepted' AND r.superseded_by_id IS NULL
     AND r.period_start <= $2 AND r.period_end >= $1`;

export interface CheckedNotReportedRow {
  agreement_id: string;
  licensee_id: string;
  publisher_id: string;
  work_id: string;
  usage: string;
  receipts: string;
  days_checked: number;
  first_day: string;
  last_day: string;
}

/**
 * Receipts given in [$1, $2] for a work and usage that no counting report of the period used
 * under that agreement (no matched line), most checked first; at most $5.
 */
export function checkedNotReported(
  db: Db,
  period: { start: string; end: string },
  scope: ComplianceScope,
  limit: number,
): Promise<CheckedNotReportedRow[]> {
  return db.query(
    `WITH checked AS (
       SELECT c.agreement_id, c.work_id, c.usage, sum(c.receipts) AS receipts,
              count(*)::int AS days_checked, min(c.day) AS first_day, max(c.day) AS last_day
         FROM ${LICENCE_CHECK_COUNTS.name} c JOIN ${AGREEMENTS.name} a ON a.id = c.agreement_id
        WHERE c.day BETWEEN $1 AND $2 AND ${IN_SCOPE}
        GROUP BY c.agreement_id, c.work_id, c.usage)
     SELECT k.agreement_id, a.licensee_id, a.publisher_id, k.work_id, k.usage,
            k.receipts::text AS receipts, k.days_checked,
            k.first_day::text AS first_day, k.last_day::text AS last_day
       FROM checked k JOIN ${AGREEMENTS.name} a ON a.id = k.agreement_id
      WHERE NOT EXISTS (
        SELECT 1 FROM ${USAGE_AGGREGATES.name} g
         WHERE g.report_id IN (${COUNTING_REPORTS}) AND g.status = 'matched'
           AND g.agreement_id = k.agreement_id AND g.work_id = k.work_id AND g.usage = k.usage
           AND g.lines > 0)
      ORDER BY k.receipts DESC, k.agreement_id, k.work_id, k.usage
      LIMIT $5`,
    [period.start, period.end, scope.publisherId, scope.licenseeId, limit],
  );
}

export interface ReportDueRow {
  agreement_id: string;
  licensee_id: string;
  publisher_id: string;
  /** The due day of the agreement's terms (null: the default). */
  due_day: number | null;
  /** When the first report of the period was accepted (null: none yet). */
  first_accepted_at: Date | null;
  first_report_id: string | null;
}

/**
 * Each agreement in force during [$1, $2] (accepted, begun by its end, not ended before its
 * start) with the first report of the licensee accepted for the period (superseded ones count:
 * the report came), at most $5 agreements.
 */
export function reportsDue(
  db: Db,
  period: { start: string; end: string },
  scope: ComplianceScope,
  limit: number,
): Promise<ReportDueRow[]> {
  return db.query(
    `SELECT a.id AS agreement_id, a.licensee_id, a.publisher_id,
            (a.terms->>'reportDueDay')::int AS due_day,
            first.accepted_at AS first_accepted_at, first.id AS first_report_id
       FROM ${AGREEMENTS.name} a
       LEFT JOIN LATERAL (
         SELECT r.id, r.accepted_at FROM ${USAGE_REPORTS.name} r
          WHERE r.licensee_id = a.licensee_id AND r.accepted_at IS NOT NULL
            AND r.period_start <= $2 AND r.period_end >= $1
          ORDER BY r.accepted_at LIMIT 1) first ON true
      WHERE a.status <> 'proposed' AND a.starts_on <= $2
        AND COALESCE(LEAST(a.ends_on, a.terminated_on), $1) >= $1
        AND ${IN_SCOPE}
      ORDER BY a.id
      LIMIT $5`,
    [period.start, period.end, scope.publisherId, scope.licenseeId, limit],
  );
}

export interface VolumeRow {
  agreement_id: string;
  licensee_id: string;
  publisher_id: string;
  unit: string;
  /** Matched units in the period and each of the three before it (oldest last). */
  units: [string, string, string, string];
}

/**
 * Matched units reported under each agreement, by unit, in the four months ending with the
 * period ($1: the first day of the oldest, $2: the last day of the period), by the counting
 * reports of each month (a report counts in the month its period starts).
 */
export async function volumes(
  db: Db,
  months: { start: string; end: string },
  monthStarts: [string, string, string, string],
  scope: ComplianceScope,
  limit: number,
): Promise<VolumeRow[]> {
  // One grouped pass: each month's sum a FILTER of the same aggregate.
  const month = (n: number) =>
    `COALESCE(sum(g.units) FILTER (WHERE date_trunc('month', r.period_start)::date = ($5::date[])[${n}]), 0)::text`;
  const rows = await db.query<(Omit<VolumeRow, 'units'> & { units: string[] })[]>(
    `SELECT g.agreement_id, a.licensee_id, a.publisher_id, g.unit,
            ARRAY[${[1, 2, 3, 4].map(month).join(', ')}] AS units
       FROM ${USAGE_REPORTS.name} r
       JOIN ${USAGE_AGGREGATES.name} g ON g.report_id = r.id
       JOIN ${AGREEMENTS.name} a ON a.id = g.agreement_id
      WHERE r.status = 'accepted' AND r.superseded_by_id IS NULL
        AND r.period_start BETWEEN $1 AND $2 AND g.status = 'matched'
        AND ${IN_SCOPE}
      GROUP BY g.agreement_id, a.licensee_id, a.publisher_id, g.unit
      ORDER BY g.agreement_id, g.unit
      LIMIT $6`,
    [months.start, months.end, scope.publisherId, scope.licenseeId, monthStarts, limit],
  );
  return rows.map((row) => ({ ...row, units: row.units as VolumeRow['units'] }));
}
