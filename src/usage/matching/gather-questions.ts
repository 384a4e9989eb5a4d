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
  if (report.lines_citing === '0') {
    await manager.query(
      `CREATE TEMP TABLE report_questions ON COMMIT DROP AS
         SELECT work_id, scheme, value, usage, unit, territory, agreement_id,
                width_bucket(occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
                min(occurred_on) AS occurred_on, NULL::text AS invalid_reason, count(*) AS lines,
                0::bigint AS citing, COALESCE(sum(units), 0) AS units, COALESCE(sum(revenue), 0) AS revenue
           FROM ${stage}
          WHERE invalid_reason IS NULL
          GROUP BY ${QUESTION}`,
    );
    return;
  }
  // Lines cite receipts: one pass over them gives both the questions and, within each, the
  // groups of lines citing one receipt on one day (checkCitations reads those): two grouping
  // sets of one aggregation, the question's rows told apart by GROUPING(receipt_id) = 1.
  await manager.query(
    `CREATE TEMP TABLE report_line_groups ON COMMIT DROP AS
       SELECT work_id, scheme, value, usage, unit, territory, agreement_id,
              width_bucket(occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
              receipt_id, CASE WHEN receipt_id IS NOT NULL THEN occurred_on END AS cited_on,
              GROUPING(receipt_id) = 1 AS question,
              min(occurred_on) AS occurred_on, count(*) AS lines, count(receipt_id) AS citing,
              COALESCE(sum(units), 0) AS units, COALESCE(sum(revenue), 0) AS revenue
         FROM ${stage}
        WHERE invalid_reason IS NULL
        GROUP BY GROUPING SETS (
                 (${QUESTION}),
                 (${QUESTION}, receipt_id, CASE WHEN receipt_id IS NOT NULL THEN occurred_on END))
       HAVING GROUPING(receipt_id) = 1 OR receipt_id IS NOT NULL`,
  );
  await manager.query(
    `CREATE TEMP TABLE report_questions ON COMMIT DROP AS
       SELECT work_id, scheme, value, usage, unit, territory, agreement_id, stretch, occurred_on,
              NULL::text AS invalid_reason, lines, citing, units, revenue
         FROM report_line_groups
        WHERE question`,
  );
}
