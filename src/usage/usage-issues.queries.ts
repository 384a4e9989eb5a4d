import { WORKS } from '../catalogue/catalogue.tables';
import { ORGANIZATIONS } from '../organizations/organizations.tables';

/** usage_line_issues: a page of a report's lines needing attention, after line $3 (status $5 or any). */
export const ISSUES_PAGE = `SELECT line_no, line_id, status, reason, work_ref, usage, units, receipt_id
  FROM usage_line_issues
        WHERE period_month = $1 AND report_id = $2 AND status <> 'matched' AND line_no > $3
          AND ($5::text IS NULL OR status = $5)
        ORDER BY line_no LIMIT $4`;

/**
 * usage_aggregates of the reports that count now, summed for a publisher's works ($1), a page
 * of $2 rows; `where` adds the filters and the cursor (their parameters follow).
 */
export const publisherUsageSql = (where: string[]) =>
  // The page's names joined on after the grouping and the limit: one lookup per row shown.
  `SELECT g.*, w.title AS work_title, o.name AS licensee_name
         FROM (SELECT a.work_id, a.usage, a.unit, a.licensee_id, a.status,
                      sum(a.lines) AS lines, sum(a.units) AS units
                 FROM usage_aggregates a
                 JOIN usage_reports r ON r.id = a.report_id
                WHERE a.publisher_id = $1 AND a.status IN ('matched', 'out-of-scope')
                  AND r.status = 'accepted' AND r.superseded_by_id IS NULL
                  ${where.map((condition) => `AND ${condition}`).join(' ')}
                GROUP BY a.work_id, a.usage, a.unit, a.licensee_id, a.status
                ORDER BY a.work_id::text, a.usage, a.unit, a.licensee_id::text, a.status
                LIMIT $2) g
         LEFT JOIN ${WORKS.name} w ON w.id = g.work_id AND w.organization_id = $1
         LEFT JOIN ${ORGANIZATIONS.name} o ON o.id = g.licensee_id
        ORDER BY g.work_id::text, g.usage, g.unit, g.licensee_id::text, g.status`;
