import { EntityManager } from 'typeorm';

/**
 * A report's counts by outcome and totals by usage type, recomputed from its aggregates (the
 * invalid lines are the received ones no aggregate holds). Called when a report is settled and
 * when suspended lines are matched later.
 */
export async function refreshReportCounts(manager: EntityManager, reportId: string): Promise<void> {
  await manager.query(
    `UPDATE usage_reports r
        SET lines_matched = c.matched, lines_unmatched = c.unmatched,
            lines_out_of_scope = c.out_of_scope, lines_invalid = r.lines_received - c.valid,
            totals_by_usage = COALESCE((
              SELECT jsonb_agg(jsonb_build_object('usage', usage, 'unit', unit, 'lines', lines,
                       'units', units::text, 'matchedUnits', matched_units::text)
                       ORDER BY usage, unit)
                FROM (SELECT usage, unit, sum(lines) AS lines, sum(units) AS units,
                             COALESCE(sum(units) FILTER (WHERE status = 'matched'), 0) AS matched_units
                        FROM usage_aggregates WHERE report_id = r.id GROUP BY usage, unit) t
               WHERE lines <> 0
            ), '[]'::jsonb)
       FROM (SELECT COALESCE(sum(lines) FILTER (WHERE status = 'matched'), 0) AS matched,
                    COALESCE(sum(lines) FILTER (WHERE status = 'unmatched'), 0) AS unmatched,
                    COALESCE(sum(lines) FILTER (WHERE status = 'out-of-scope'), 0) AS out_of_scope,
                    COALESCE(sum(lines), 0) AS valid
               FROM usage_aggregates WHERE report_id = $1) c
      WHERE r.id = $1`,
    [reportId],
  );
}
