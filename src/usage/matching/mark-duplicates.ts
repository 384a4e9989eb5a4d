import { EntityManager } from 'typeorm';

/**
 * Marks a repeated lineId invalid on every line after its first. Only the lineIds the upload
 * suspected are looked at (none, usually); without suspects, every line is.
 */
export const reads = ['usage_staging.r_<report>'];
export const writes = ['usage_staging.r_<report> (invalid_reason)'];

export async function markDuplicates(
  manager: EntityManager,
  stage: string,
  suspects: string[] | null,
): Promise<void> {
  if (suspects !== null && suspects.length === 0) return;
  await manager.query(
    `UPDATE ${stage} s SET invalid_reason = 'duplicate lineId (first on line ' || d.first || ')'
         FROM (SELECT line_id, min(line_no) AS first FROM ${stage}
                WHERE invalid_reason IS NULL
                  AND ($1::text[] IS NULL OR line_id = ANY ($1::text[]))
                GROUP BY line_id HAVING count(*) > 1) d
        WHERE s.line_id = d.line_id AND s.line_no > d.first AND s.invalid_reason IS NULL`,
    [suspects],
  );
}
