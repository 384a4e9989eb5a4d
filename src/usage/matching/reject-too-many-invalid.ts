import { EntityManager } from 'typeorm';
import { USAGE_REPORTS } from '../usage.tables';
import { ReportRow } from './claim-report';

/**
 * Rejects the report when more of its lines are invalid than USAGE_MAX_INVALID_BPS allows (the
 * valid ones are those the questions hold), dropping its staged lines; answers whether it did.
 */
export const reads = ['report_questions (temp)'];
export const writes = [USAGE_REPORTS, 'usage_staging.r_<report> (dropped)'];

const VALID_LINES = `SELECT COALESCE(sum(lines), 0) AS valid FROM report_questions`;

const REJECT = `UPDATE usage_reports SET status = 'rejected', rejection = $2, processed_at = now(),
              lines_invalid = $3
        WHERE id = $1`;

export async function rejectTooManyInvalid(
  manager: EntityManager,
  report: ReportRow,
  stage: string,
  maxBps: number,
): Promise<boolean> {
  const [{ valid }] = await manager.query<{ valid: string }[]>(VALID_LINES);
  const total = BigInt(report.lines_received);
  const invalid = total - BigInt(valid);
  if (invalid * 10000n <= BigInt(maxBps) * total) return false;
  const rejection = {
    code: 'too-many-invalid-lines',
    detail: `${invalid} of ${total} lines are invalid, more than the ${maxBps / 100}% allowed`,
    invalidLines: Number(invalid),
    lines: Number(total),
    maxInvalidBps: maxBps,
  };
  await manager.query(REJECT, [report.id, JSON.stringify(rejection), rejection.invalidLines]);
  await manager.query(`DROP TABLE ${stage}`);
  return true;
}
