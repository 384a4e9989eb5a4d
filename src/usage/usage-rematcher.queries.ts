import { NO_AGREEMENT } from './matching/match-questions';

/** usage_reports: the counting reports with suspended lines. */
export const REMATCH_CANDIDATES = `SELECT id FROM usage_reports
        WHERE status = 'accepted' AND superseded_by_id IS NULL AND lines_unmatched > 0
        ORDER BY id`;

/** usage_reports: the report, locked, while it still has suspended lines. */
export const SUSPENSE_REPORT = `SELECT id, licensee_id, period_start, period_end FROM usage_reports
          WHERE id = $1 AND status = 'accepted' AND superseded_by_id IS NULL
            AND lines_unmatched > 0
          FOR UPDATE`;

/** usage_line_issues → suspense (temp): the report's suspended lines, as matchQuestions reads lines. */
export const CREATE_SUSPENSE = `CREATE TEMP TABLE suspense ON COMMIT DROP AS
         SELECT line_no, named_work_id AS work_id, scheme, value, usage, unit, units, revenue,
                territory, occurred_on, named_agreement_id AS agreement_id,
                NULL::text AS invalid_reason
           FROM usage_line_issues
          WHERE period_month = $1 AND report_id = $2 AND status = 'unmatched'`;

/** suspense, report_identifiers, key_matches → rematched (temp): the lines whose work is known now, with their outcome. */
export const CREATE_REMATCHED = `CREATE TEMP TABLE rematched ON COMMIT DROP AS
         SELECT s.line_no, s.usage, s.unit, s.units, s.revenue, m.work_id, m.publisher_id,
                m.agreement_id, m.version,
                CASE WHEN m.agreement_id IS NULL THEN 'out-of-scope' ELSE 'matched' END AS status,
                m.reason
           FROM suspense s
           LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
           JOIN key_matches m
             ON m.work_id = COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
            AND m.usage = s.usage
            AND m.territory = COALESCE(s.territory, '')
            AND m.occurred_on = COALESCE(s.occurred_on, '-infinity'::date)
            AND m.agreement_hint = COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid)
          WHERE m.publisher_id IS NOT NULL`;

export const COUNT_REMATCHED = `SELECT count(*) AS n FROM rematched`;

/** usage_line_issues: the re-matched lines' outcome. */
export const UPDATE_ISSUES = `UPDATE usage_line_issues l
            SET status = r.status, reason = r.reason, work_id = r.work_id,
                publisher_id = r.publisher_id, agreement_id = r.agreement_id,
                agreement_version = r.version, rematched_at = now()
           FROM rematched r
          WHERE l.period_month = $1 AND l.report_id = $2 AND l.line_no = r.line_no`;

/** usage_reports: the report's next generation of aggregates. */
export const NEXT_GENERATION = `WITH bumped AS (
           UPDATE usage_reports SET aggregate_generation = aggregate_generation + 1 WHERE id = $1
           RETURNING aggregate_generation)
         SELECT aggregate_generation AS generation FROM bumped`;

/** usage_aggregates: the delta rows, out of unmatched and into the lines' outcomes. */
export const INSERT_DELTAS = `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
                agreement_version, status, usage, unit, lines, units, revenue, rematched_at,
                generation)
         SELECT $1::uuid, $2::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::int, 'unmatched', usage, unit, -count(*),
                -COALESCE(sum(units), 0), -COALESCE(sum(revenue), 0), now(), $3::int
           FROM rematched GROUP BY usage, unit
         UNION ALL
         SELECT $1::uuid, $2::uuid, publisher_id, work_id, agreement_id, version, status, usage, unit,
                count(*), COALESCE(sum(units), 0), COALESCE(sum(revenue), 0), now(), $3::int
           FROM rematched
          GROUP BY publisher_id, work_id, agreement_id, version, status, usage, unit`;
