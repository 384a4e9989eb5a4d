import { EntityManager } from 'typeorm';
import {
  CitationColumns,
  loadReceiptSecrets,
  receiptBytes,
  receiptGenuine,
  receiptRefusal,
  receiptSecretJoin,
} from '../../receipts/receipt-citations';
import { LICENCE_RECEIPT_ID_SECRETS } from '../../receipts/receipts.tables';
import { USAGE_RECEIPT_CITATIONS } from '../usage.tables';
import { citationsTable, monthPartition, sqlLiteral } from '../usage-staging';
import { ReportRow } from './claim-report';
import { isQuestionOf } from './answer-questions';

/**
 * The licence receipts the report's lines cite, checked against what each line matched: the
 * receipt must be its licensee's, for the work, usage, day and agreement version of the line's
 * answer (receipt-citations.ts, one HMAC per distinct citation in SQL). A genuine citation is
 * kept (usage_receipt_citations); the lines of one that does not stand for them leave their
 * question for one of their own, out of scope with the receipt-* reason — never matched
 * silently. Lines that matched no agreement keep their own reason (a suspended one is checked
 * when it is re-matched). Runs between answering the questions and aggregating them; answers how
 * many citations were refused (almost always none). The genuine citations are kept as they are
 * checked, in one pass; only when they hold fewer lines than the matched questions' citing lines
 * is a second pass made to word the refusals.
 */
export const reads = [
  'report_line_groups (temp)',
  'answered_questions (temp)',
  LICENCE_RECEIPT_ID_SECRETS,
];
export const writes = [
  'receipt_secrets (temp)',
  'checked_citations (temp, the refused citations; only when there are)',
  'answered_questions (temp)',
  `usage_evidence.c_<report> (attached to ${USAGE_RECEIPT_CITATIONS.name})`,
];

/** A question's keys as answered_questions holds them (its absences made comparable). */
const QUESTION_KEYS = [
  'k_work_id',
  'k_scheme',
  'k_value',
  'usage',
  'unit',
  'k_territory',
  'k_stretch',
  'k_agreement_id',
];

const K_KEYS = QUESTION_KEYS.filter((key) => key.startsWith('k_'));

/**
 * Each distinct citation of a matched line (gatherQuestions' groups of lines citing a receipt),
 * with the line's keys as staged, its question's keys and answer, and its lines: the groups
 * joined to their answered question (a hash join on the question's keys). The id is decoded
 * once per group (OFFSET 0 keeps the subquery whole, so the decoding is not repeated wherever
 * the bytes are read). $1 the licensee.
 */
const CITED = `SELECT g.*, ${K_KEYS.map((key) => `a.${key}`).join(', ')},
              a.work_id AS matched_work_id, a.publisher_id,
              a.agreement_id AS matched_agreement_id, a.version
         FROM (SELECT receipt_id, ${receiptBytes('receipt_id')} AS bytes, work_id, scheme,
                      value, territory, agreement_id, usage, unit, stretch,
                      cited_on AS occurred_on, lines, units, revenue, first_line_no,
                      last_line_no
                 FROM report_line_groups
               OFFSET 0) g
         JOIN answered_questions a
           ON a.status = 'matched' AND ${isQuestionOf('a', 'g', 'g.stretch')}`;

const CITATION: CitationColumns = {
  bytes: 'c.bytes',
  licensee: '$1::uuid',
  work: 'c.matched_work_id',
  usage: 'c.usage',
  day: 'c.occurred_on',
  agreement: 'c.matched_agreement_id',
  version: 'c.version',
};

/** The lines of matched questions citing a receipt: what the genuine citations must add up to. */
const CITING = `SELECT COALESCE(sum(citing), 0)::text AS citing
         FROM answered_questions WHERE status = 'matched'`;

/**
 * Only when some citation is not genuine (the kept ones add up to fewer lines than cite):
 * the refused citations, each with its receipt-* reason.
 */
const REFUSED = `CREATE TEMP TABLE checked_citations ON COMMIT DROP AS
       SELECT * FROM (SELECT c.*, ${receiptRefusal(CITATION)} AS refusal
                        FROM (${CITED}) c ${receiptSecretJoin('c.bytes')}) checked
        WHERE refusal IS NOT NULL`;

/** A staged line (s) and the refused citation (r) it is one of. */
export const REFUSED_LINE = `r.refusal IS NOT NULL AND r.receipt_id = s.receipt_id
          AND r.work_id IS NOT DISTINCT FROM s.work_id
          AND r.scheme IS NOT DISTINCT FROM s.scheme AND r.value IS NOT DISTINCT FROM s.value
          AND r.territory IS NOT DISTINCT FROM s.territory
          AND r.agreement_id IS NOT DISTINCT FROM s.agreement_id
          AND r.usage = s.usage AND r.unit = s.unit AND r.occurred_on = s.occurred_on`;

const KEYS = QUESTION_KEYS.join(', ');
const SAME_QUESTION = QUESTION_KEYS.map((key) => `a.${key} = x.${key}`).join(' AND ');

/** The refused citations' lines, out of their matched question... */
const TAKE_OUT = `UPDATE answered_questions a
          SET lines = a.lines - x.lines, units = a.units - x.units, revenue = a.revenue - x.revenue
         FROM (SELECT ${KEYS}, sum(lines) AS lines, sum(units) AS units, sum(revenue) AS revenue
                 FROM checked_citations WHERE refusal IS NOT NULL GROUP BY ${KEYS}) x
        WHERE a.k_refusal = '' AND ${SAME_QUESTION}`;

/** ...into questions of their own, one per refusal: out of scope, the work's publisher's to see. */
const PUT_BACK = `INSERT INTO answered_questions (${KEYS}, k_refusal, status, reason, work_id,
              publisher_id, agreement_id, version, lines, units, revenue)
       SELECT ${KEYS}, refusal, 'out-of-scope', refusal, matched_work_id, publisher_id, NULL, NULL,
              sum(lines), sum(units), sum(revenue)
         FROM checked_citations WHERE refusal IS NOT NULL
        GROUP BY ${KEYS}, refusal, matched_work_id, publisher_id`;

/**
 * The report's genuine citations, built as a table of their own, indexed in bulk and attached as
 * the report's partition of usage_receipt_citations (like its lines: never inserted row by row
 * into indexed tables). Checked as they are written: one pass, one HMAC per citation, and the
 * lines they hold counted. A row per group of lines, not summed again: two groups of one receipt
 * (its work named by id on one line, by ISBN on another) are two rows, which readers sum, as
 * they sum a re-matched line's. $1 licensee, $2 month, $3 report.
 */
const keep = (table: string) => [
  `CREATE TABLE ${table}
     (LIKE ${USAGE_RECEIPT_CITATIONS.name} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
  `WITH kept AS (
     INSERT INTO ${table} (period_month, report_id, licensee_id, receipt_id, publisher_id, work_id,
                 agreement_id, agreement_version, usage, unit, day, lines, units, first_line_no,
                 last_line_no)
     SELECT $2::date, $3::uuid, $1::uuid, c.receipt_id, c.publisher_id, c.matched_work_id,
            c.matched_agreement_id, c.version, c.usage, c.unit, c.occurred_on, c.lines, c.units,
            c.first_line_no, c.last_line_no
       FROM (${CITED}) c ${receiptSecretJoin('c.bytes')}
      WHERE ${receiptGenuine(CITATION)}
     RETURNING lines)
   SELECT COALESCE(sum(lines), 0)::text AS kept FROM kept`,
  `CREATE INDEX ON ${table} (receipt_id)`,
  `CREATE INDEX ON ${table} (work_id)`,
];

export async function checkCitations(
  manager: EntityManager,
  report: ReportRow,
  month: string,
): Promise<number> {
  await loadReceiptSecrets(manager);
  // The planner cannot tell the questions' keys are the lines' own and expects a row or two:
  // compiling these for millions (JIT) took longer than running them.
  const [{ jit }] = await manager.query<{ jit: string }[]>(`SELECT current_setting('jit') AS jit`);
  await manager.query(`SET LOCAL jit = off`);
  const table = citationsTable(report.id);
  const [create, insert, ...indexes] = keep(table);
  await manager.query(create);
  const [{ kept }] = await manager.query<{ kept: string }[]>(insert, [
    report.licensee_id,
    month,
    report.id,
  ]);
  const [{ citing }] = await manager.query<{ citing: string }[]>(CITING);
  let refused = 0;
  if (kept !== citing) {
    await manager.query(REFUSED, [report.licensee_id]);
    [{ refused }] = await manager.query<{ refused: number }[]>(
      `SELECT count(*)::int AS refused FROM checked_citations`,
    );
    await manager.query(TAKE_OUT);
    await manager.query(`DELETE FROM answered_questions WHERE lines = 0`);
    await manager.query(PUT_BACK);
  }
  for (const index of indexes) await manager.query(index);
  await manager.query(
    `ALTER TABLE ${monthPartition(USAGE_RECEIPT_CITATIONS.name, month)}
         ATTACH PARTITION ${table} FOR VALUES IN (${sqlLiteral(report.id)}::uuid)`,
  );
  await manager.query(`SELECT set_config('jit', $1, true)`, [jit]);
  return refused;
}
