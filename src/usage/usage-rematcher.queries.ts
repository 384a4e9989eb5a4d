import { keyMatchJoin } from './matching/match-questions';
import { receiptBytes, receiptRefusal, receiptSecretJoin } from '../receipts/receipt-citations';

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
                territory, occurred_on, named_agreement_id AS agreement_id, receipt_id,
                NULL::text AS invalid_reason
           FROM usage_line_issues
          WHERE period_month = $1 AND report_id = $2 AND status = 'unmatched'`;

/**
 * suspense, report_identifiers, key_matches, receipt_secrets → rematched (temp): the lines whose
 * work is known now, with their outcome; a line citing a receipt that does not stand for its
 * match ($1, the licensee) is out of scope with the receipt's refusal, as on arrival.
 */
export const CREATE_REMATCHED = `CREATE TEMP TABLE rematched ON COMMIT DROP AS
         SELECT l.line_no, l.usage, l.unit, l.units, l.revenue, l.work_id, l.publisher_id,
                l.receipt_id, l.occurred_on, l.refusal,
                CASE WHEN l.refusal IS NULL THEN l.agreement_id END AS agreement_id,
                CASE WHEN l.refusal IS NULL THEN l.version END AS version,
                CASE WHEN l.agreement_id IS NULL OR l.refusal IS NOT NULL THEN 'out-of-scope'
                     ELSE 'matched' END AS status,
                COALESCE(l.refusal, l.reason) AS reason
           FROM (SELECT c.*,
                        CASE WHEN c.receipt_id IS NOT NULL AND c.agreement_id IS NOT NULL
                             THEN ${receiptRefusal({
                               bytes: 'c.bytes',
                               licensee: '$1::uuid',
                               work: 'c.work_id',
                               usage: 'c.usage',
                               day: 'c.occurred_on',
                               agreement: 'c.agreement_id',
                               version: 'c.version',
                             })} END AS refusal
                   FROM (SELECT s.line_no, s.usage, s.unit, s.units, s.revenue, s.receipt_id,
                                s.occurred_on, ${receiptBytes('s.receipt_id')} AS bytes,
                                m.work_id, m.publisher_id, m.agreement_id, m.version, m.reason
                           FROM suspense s
                           ${keyMatchJoin('s')}
                          WHERE m.publisher_id IS NOT NULL) c
                   ${receiptSecretJoin('c.bytes')}) l`;

/**
 * rematched → usage_receipt_citations (the report's partition, made when it was matched): the
 * receipts the newly matched lines rest on ($1 report, $2 licensee, $3 month).
 */
export const INSERT_CITATIONS = `INSERT INTO usage_receipt_citations (period_month, report_id, licensee_id,
                receipt_id, publisher_id, work_id, agreement_id, agreement_version, usage, unit,
                day, lines, units, first_line_no, last_line_no)
         SELECT $3::date, $1::uuid, $2::uuid, receipt_id, publisher_id, work_id, agreement_id, version, usage,
                unit, occurred_on, count(*), COALESCE(sum(units), 0), min(line_no), max(line_no)
           FROM rematched
          WHERE status = 'matched' AND receipt_id IS NOT NULL
          GROUP BY receipt_id, publisher_id, work_id, agreement_id, version, usage, unit, occurred_on`;

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
