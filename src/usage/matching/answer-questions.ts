import { EntityManager } from 'typeorm';
import { USAGE_AGGREGATES } from '../usage.tables';
import { ReportRow } from './claim-report';
import { NO_AGREEMENT } from './match-questions';

/**
 * Each question with its outcome (answerQuestions), then, once the receipts the lines cite are
 * checked (checkCitations may split a question), the report's aggregates from them
 * (aggregateAnswers). The join keys are
 * the staged columns with their absences made comparable, so that the staged lines can be
 * joined back to their question by a hash join (writeIssues).
 */
export const reads = ['report_questions (temp)', 'report_identifiers (temp)', 'key_matches (temp)'];
export const writes = ['answered_questions (temp)', USAGE_AGGREGATES];

const ANSWER = `CREATE TEMP TABLE answered_questions ON COMMIT DROP AS
       SELECT COALESCE(q.work_id, '${NO_AGREEMENT}'::uuid) AS k_work_id,
              COALESCE(q.scheme, '') AS k_scheme, COALESCE(q.value, '') AS k_value,
              q.usage, q.unit, COALESCE(q.territory, '') AS k_territory,
              COALESCE(q.stretch, -1) AS k_stretch,
              COALESCE(q.agreement_id, '${NO_AGREEMENT}'::uuid) AS k_agreement_id,
              -- Lines whose receipt was refused get a question of their own (checkCitations).
              ''::text AS k_refusal,
              CASE WHEN m.publisher_id IS NULL THEN 'unmatched'
                   WHEN m.agreement_id IS NULL THEN 'out-of-scope'
                   ELSE 'matched' END AS status,
              CASE WHEN i.claims > 1 THEN 'identifier-conflict'
                   WHEN m.publisher_id IS NULL THEN 'unknown-work'
                   ELSE m.reason END AS reason,
              CASE WHEN m.publisher_id IS NOT NULL THEN m.work_id END AS work_id,
              m.publisher_id, m.agreement_id, m.version, q.lines, q.citing, q.units, q.revenue
         FROM report_questions q
         LEFT JOIN report_identifiers i ON i.scheme = q.scheme AND i.value = q.value
         LEFT JOIN key_matches m
           ON m.work_id = COALESCE(q.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
          AND m.usage = q.usage
          AND m.territory = COALESCE(q.territory, '')
          AND m.occurred_on = COALESCE(q.occurred_on, '-infinity'::date)
          AND m.agreement_hint = COALESCE(q.agreement_id, '${NO_AGREEMENT}'::uuid)`;

/**
 * SQL: question `q` (a row of answered_questions) is the one line or group `l` asks, its stretch
 * given by `stretch` (an expression over `l`): the staged keys with their absences made
 * comparable, as ANSWER writes them, so that the join is a hash join.
 */
export function isQuestionOf(q: string, l: string, stretch: string): string {
  return `${q}.k_work_id = COALESCE(${l}.work_id, '${NO_AGREEMENT}'::uuid)
          AND ${q}.k_scheme = COALESCE(${l}.scheme, '')
          AND ${q}.k_value = COALESCE(${l}.value, '')
          AND ${q}.usage = ${l}.usage
          AND ${q}.unit = ${l}.unit
          AND ${q}.k_territory = COALESCE(${l}.territory, '')
          AND ${q}.k_stretch = COALESCE(${stretch}, -1)
          AND ${q}.k_agreement_id = COALESCE(${l}.agreement_id, '${NO_AGREEMENT}'::uuid)`;
}

const AGGREGATE = `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
              agreement_version, status, usage, unit, lines, units, revenue)
       SELECT $1::uuid, $2::uuid, publisher_id, work_id, agreement_id, version, status, usage, unit,
              sum(lines), sum(units), sum(revenue)
         FROM answered_questions
        GROUP BY publisher_id, work_id, agreement_id, version, status, usage, unit`;

export async function answerQuestions(manager: EntityManager): Promise<void> {
  await manager.query(ANSWER);
  await manager.query(`ANALYZE answered_questions`);
}

export async function aggregateAnswers(manager: EntityManager, report: ReportRow): Promise<void> {
  await manager.query(AGGREGATE, [report.id, report.licensee_id]);
}
