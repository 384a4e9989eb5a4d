import { EntityManager } from 'typeorm';
import { WORKS } from '../../catalogue/catalogue.tables';
import { CandidateAgreement } from '../../licensing/licence-check';
import { coverageBoundaries } from '../usage-coverage';
import { ReportRow } from './claim-report';

/**
 * The distinct questions the valid lines ask (which work, usage, unit, territory, agreement and
 * stretch of the period: see coverageBoundaries), with their lines, units and revenue: one pass
 * over the staged lines, after which matching and counting work on questions, not lines. A
 * question's day is the first of its lines' days: any day of a stretch gets the same answer.
 * When lines cite receipts, a second pass groups those lines by question, receipt and day.
 */
export const reads = ['usage_staging.r_<report>', WORKS];
export const writes = [
  'report_stretches (temp)',
  'report_line_groups (temp)',
  'report_questions (temp)',
];

/** What a question is: the line's keys and the stretch of the period its day falls in. */
const QUESTION = `work_id, scheme, value, usage, unit, territory, agreement_id,
                 width_bucket(occurred_on, (SELECT boundaries FROM report_stretches))`;

export async function gatherQuestions(
  manager: EntityManager,
  report: ReportRow,
  stage: string,
  agreements: CandidateAgreement[],
): Promise<void> {
  const boundaries = coverageBoundaries(agreements, {
    periodStart: report.period_start,
    periodEnd: report.period_end,
  });
  // A work withdrawn inside the period stops being covered on that day.
  await manager.query(
    `CREATE TEMP TABLE report_stretches ON COMMIT DROP AS
       SELECT ARRAY(SELECT day FROM (SELECT unnest($1::date[]) AS day
                                     UNION
                                     SELECT withdrawn_at::date FROM ${WORKS.name}
                                      WHERE withdrawn_at::date > $2::date
                                        AND withdrawn_at::date <= $3::date) days
                     ORDER BY day) AS boundaries`,
    [`{${boundaries.join(',')}}`, report.period_start, report.period_end],
  );
  // Every valid line by question (its stretch of the period: see coverageBoundaries).
  await manager.query(
    `CREATE TEMP TABLE report_questions ON COMMIT DROP AS
       SELECT work_id, scheme, value, usage, unit, territory, agreement_id,
              width_bucket(occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
              min(occurred_on) AS occurred_on, NULL::text AS invalid_reason, count(*) AS lines,
              count(receipt_id) AS citing, COALESCE(sum(units), 0) AS units,
              COALESCE(sum(revenue), 0) AS revenue
         FROM ${stage}
        WHERE invalid_reason IS NULL
        GROUP BY ${QUESTION}`,
  );
  if (report.lines_citing === '0') return;
  // And the lines citing a receipt (a report citing none has none: counted on upload), grouped
  // within their question by the receipt and the day: checkCitations reads those groups. A
  // second pass over the citing lines alone costs less than one pass grouping every line by
  // receipt too and summing the questions from those groups (or GROUPING SETS doing both).
  await manager.query(
    `CREATE TEMP TABLE report_line_groups ON COMMIT DROP AS
       SELECT work_id, scheme, value, usage, unit, territory, agreement_id,
              width_bucket(occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
              receipt_id, occurred_on AS cited_on, count(*) AS lines,
              min(line_no) AS first_line_no, max(line_no) AS last_line_no,
              COALESCE(sum(units), 0) AS units, COALESCE(sum(revenue), 0) AS revenue
         FROM ${stage}
        WHERE invalid_reason IS NULL AND receipt_id IS NOT NULL
        GROUP BY ${QUESTION}, receipt_id, occurred_on`,
  );
}
