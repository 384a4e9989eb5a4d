import { EntityManager } from 'typeorm';
import { ReportRow } from './claim-report';
import { REFUSED_LINE } from './check-citations';
import { isQuestionOf } from './answer-questions';

/**
 * The lines that did not match cleanly (invalid, unmatched, out of scope), with their outcome:
 * the issues list and suspense read them. Matched lines are not written again.
 */
export const reads = [
  'usage_staging.r_<report>',
  'checked_citations (temp)',
  'answered_questions (temp)',
  'report_stretches (temp)',
];
export const writes = ['open_questions (temp)', 'usage_line_issues'];

const OPEN_QUESTIONS = `CREATE TEMP TABLE open_questions ON COMMIT DROP AS
       SELECT * FROM answered_questions WHERE status <> 'matched'`;

/**
 * With citations refused, a line's question also says whether its receipt was refused (the
 * same question holds lines of both kinds); without (the rule), no join to the citations.
 */
const issues = (stage: string, refused: boolean) =>
  `INSERT INTO usage_line_issues (period_month, licensee_id, report_id, line_no, line_id,
              status, reason, work_ref, work_id, publisher_id, agreement_id, agreement_version,
              usage, unit, units, territory, model, occurred_on, revenue, named_work_id, scheme,
              value, named_agreement_id, receipt_id)
       SELECT $1::date, $2::uuid, $3::uuid, s.line_no, s.line_id,
              CASE WHEN s.invalid_reason IS NOT NULL THEN 'invalid' ELSE o.status END,
              COALESCE(s.invalid_reason, o.reason), s.work_ref,
              CASE WHEN s.invalid_reason IS NULL THEN o.work_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.publisher_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.agreement_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.version END,
              s.usage, s.unit, s.units, s.territory, s.model, s.occurred_on, s.revenue,
              -- What re-matching a suspended line needs, kept on those lines only.
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.work_id END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.scheme END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.value END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.agreement_id END,
              s.receipt_id
         FROM ${stage} s
         ${refused ? `LEFT JOIN checked_citations r ON ${REFUSED_LINE}` : ''}
         LEFT JOIN open_questions o
           ON ${isQuestionOf(
             'o',
             's',
             'width_bucket(s.occurred_on, (SELECT boundaries FROM report_stretches))',
           )}
          AND o.k_refusal = ${refused ? `COALESCE(r.refusal, '')` : `''`}
        WHERE s.invalid_reason IS NOT NULL OR o.status IS NOT NULL`;

export async function writeIssues(
  manager: EntityManager,
  report: ReportRow,
  stage: string,
  month: string,
  refused: boolean,
): Promise<void> {
  await manager.query(OPEN_QUESTIONS);
  await manager.query(`ANALYZE open_questions`);
  await manager.query(issues(stage, refused), [month, report.licensee_id, report.id]);
}
