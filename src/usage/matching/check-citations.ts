import { EntityManager } from 'typeorm';
import {
  loadReceiptSecrets,
  receiptBytes,
  receiptRefusal,
  receiptSecretJoin,
} from '../../receipts/receipt-citations';
import { LICENCE_RECEIPT_ID_SECRETS } from '../../receipts/receipts.tables';
import { USAGE_RECEIPT_CITATIONS } from '../usage.tables';
import { ReportRow } from './claim-report';
import { keyMatchJoin } from './match-questions';

/**
 * The licence receipts the report's lines cite, checked against what each line matched: the
 * receipt must be its licensee's, for the work, usage, day and agreement version the line
 * matched (receipt-citations.ts, one HMAC per distinct citation in SQL). A genuine citation is
 * kept (usage_receipt_citations); a line citing a receipt that does not stand for it is taken out
 * of its question and answered out-of-scope with the receipt-* reason, never matched silently.
 * Lines that matched no agreement keep their own reason (a suspended one is checked when it is
 * re-matched). Answers how many citations were refused (almost always none).
 */
export const reads = [
  'usage_staging.r_<report>',
  'report_identifiers (temp)',
  'key_matches (temp)',
  'report_stretches (temp)',
  LICENCE_RECEIPT_ID_SECRETS,
];
export const writes = [
  'receipt_secrets (temp)',
  'report_citations (temp)',
  'checked_citations (temp)',
  'report_questions (temp)',
  USAGE_RECEIPT_CITATIONS,
];

/**
 * Each distinct citation: the receipt and the line's keys as staged (named so matchQuestions
 * reads it as lines: the citations' days are answered as well as the questions').
 */
const gather = (stage: string) => `CREATE TEMP TABLE report_citations ON COMMIT DROP AS
       SELECT receipt_id, work_id, scheme, value, territory, agreement_id, usage, unit,
              occurred_on, NULL::text AS invalid_reason, count(*) AS lines,
              COALESCE(sum(units), 0) AS units
         FROM ${stage}
        WHERE receipt_id IS NOT NULL AND invalid_reason IS NULL
        GROUP BY receipt_id, work_id, scheme, value, territory, agreement_id, usage, unit,
                 occurred_on`;

/** Each citation of a line that matched an agreement, with its match and its refusal. */
const CHECK = `CREATE TEMP TABLE checked_citations ON COMMIT DROP AS
       SELECT c.*, ${receiptRefusal({
         bytes: 'c.bytes',
         licensee: '$1::uuid',
         work: 'c.matched_work_id',
         usage: 'c.usage',
         day: 'c.occurred_on',
         agreement: 'c.matched_agreement_id',
         version: 'c.version',
       })} AS refusal
         FROM (SELECT r.*, ${receiptBytes('r.receipt_id')} AS bytes,
                      m.work_id AS matched_work_id, m.publisher_id,
                      m.agreement_id AS matched_agreement_id, m.version
                 FROM report_citations r
                 ${keyMatchJoin('r')}
                WHERE m.agreement_id IS NOT NULL) c
         ${receiptSecretJoin('c.bytes')}`;

/** A staged line (s) and the refused citation (r) it is one of. */
export const REFUSED_LINE = `r.refusal IS NOT NULL AND r.receipt_id = s.receipt_id
          AND r.work_id IS NOT DISTINCT FROM s.work_id
          AND r.scheme IS NOT DISTINCT FROM s.scheme AND r.value IS NOT DISTINCT FROM s.value
          AND r.territory IS NOT DISTINCT FROM s.territory
          AND r.agreement_id IS NOT DISTINCT FROM s.agreement_id
          AND r.usage = s.usage AND r.unit = s.unit AND r.occurred_on = s.occurred_on`;

const QUESTION_KEYS = `work_id, scheme, value, usage, unit, territory, agreement_id, stretch`;
const SAME_QUESTION = QUESTION_KEYS.split(', ')
  .map((key) => `q.${key} IS NOT DISTINCT FROM x.${key}`)
  .join(' AND ');

/** The refused lines by question (gatherQuestions' grouping) and refusal. */
const refusedQuestions = (stage: string) => `CREATE TEMP TABLE refused_questions ON COMMIT DROP AS
       SELECT s.work_id, s.scheme, s.value, s.usage, s.unit, s.territory, s.agreement_id,
              width_bucket(s.occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
              min(s.occurred_on) AS occurred_on, r.refusal, count(*) AS lines,
              COALESCE(sum(s.units), 0) AS units, COALESCE(sum(s.revenue), 0) AS revenue
         FROM ${stage} s
         JOIN checked_citations r ON ${REFUSED_LINE}
        WHERE s.invalid_reason IS NULL
        GROUP BY s.work_id, s.scheme, s.value, s.usage, s.unit, s.territory, s.agreement_id,
                 width_bucket(s.occurred_on, (SELECT boundaries FROM report_stretches)), r.refusal`;

const TAKE_OUT = `UPDATE report_questions q
          SET lines = q.lines - x.lines, units = q.units - x.units, revenue = q.revenue - x.revenue
         FROM (SELECT ${QUESTION_KEYS}, sum(lines) AS lines, sum(units) AS units,
                      sum(revenue) AS revenue
                 FROM refused_questions GROUP BY ${QUESTION_KEYS}) x
        WHERE q.refusal IS NULL AND ${SAME_QUESTION}`;

const PUT_BACK = `INSERT INTO report_questions (${QUESTION_KEYS}, occurred_on, refusal, lines, units, revenue)
       SELECT ${QUESTION_KEYS}, occurred_on, refusal, lines, units, revenue FROM refused_questions`;

const KEEP = `INSERT INTO usage_receipt_citations (receipt_id, report_id, licensee_id, publisher_id,
              work_id, agreement_id, agreement_version, usage, unit, day, lines, units)
       SELECT receipt_id, $1::uuid, $2::uuid, publisher_id, matched_work_id, matched_agreement_id,
              version, usage, unit, occurred_on, sum(lines), sum(units)
         FROM checked_citations
        WHERE refusal IS NULL
        GROUP BY receipt_id, publisher_id, matched_work_id, matched_agreement_id, version, usage,
                 unit, occurred_on`;

/** report_citations: the report's distinct citations, before matching. */
export async function gatherCitations(manager: EntityManager, stage: string): Promise<void> {
  await manager.query(gather(stage));
}

/** After matchQuestions: checks, keeps and refuses; answers how many citations were refused. */
export async function checkCitations(
  manager: EntityManager,
  report: ReportRow,
  stage: string,
): Promise<number> {
  await loadReceiptSecrets(manager);
  await manager.query(CHECK, [report.licensee_id]);
  const [{ refused }] = await manager.query<{ refused: number }[]>(
    `SELECT count(*)::int AS refused FROM checked_citations WHERE refusal IS NOT NULL`,
  );
  if (refused > 0) {
    await manager.query(refusedQuestions(stage));
    await manager.query(TAKE_OUT);
    await manager.query(`DELETE FROM report_questions WHERE lines = 0`);
    await manager.query(PUT_BACK);
  }
  await manager.query(KEEP, [report.id, report.licensee_id]);
  return refused;
}
