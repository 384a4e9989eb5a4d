import { EntityManager } from 'typeorm';
import { WORK_IDENTIFIERS, WORKS } from '../../catalogue/catalogue.tables';
import { CandidateAgreement } from '../../licensing/licence-check';
import { coverageRows } from '../usage-coverage';

export const NO_AGREEMENT = '00000000-0000-0000-0000-000000000000';

/**
 * The joins that give lines `l` (staging columns) their answer `m` from key_matches: the named
 * identifier's work (unless two publishers claim it), then the key of the line's day.
 */
export const keyMatchJoin = (
  l: string,
) => `LEFT JOIN report_identifiers i ON i.scheme = ${l}.scheme AND i.value = ${l}.value
       JOIN key_matches m
         ON m.work_id = COALESCE(${l}.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
        AND m.usage = ${l}.usage
        AND m.territory = COALESCE(${l}.territory, '')
        AND m.occurred_on = COALESCE(${l}.occurred_on, '-infinity'::date)
        AND m.agreement_hint = COALESCE(${l}.agreement_id, '${NO_AGREEMENT}'::uuid)`;

/**
 * Matches the lines of `table` (staging columns: work_id, scheme, value, usage, territory,
 * occurred_on, agreement_id, invalid_reason) to works and the licensee's agreement versions.
 * Leaves two temporary tables for the caller's statement: `report_identifiers` (each named
 * identifier with its work and how many publishers claim it) and `key_matches` (each distinct
 * question the lines ask, with its publisher, agreement version or refusal reason). Used by the
 * report's matching and by re-matching suspended lines (UsageRematcher).
 */
export const reads = ['<table> (staged lines)', WORK_IDENTIFIERS, WORKS];
export const writes = [
  'coverage (temp)',
  'report_identifiers (temp)',
  'match_keys (temp)',
  'key_matches (temp)',
];

export async function matchQuestions(
  manager: EntityManager,
  agreements: CandidateAgreement[],
  table: string,
  source: { licensee_id: string; period_start: string; period_end: string },
): Promise<void> {
  await manager.query(`ANALYZE ${table}`);
  const usages = (
    await manager.query<{ usage: string }[]>(
      `SELECT DISTINCT usage FROM ${table} WHERE invalid_reason IS NULL`,
    )
  ).map((row) => row.usage);
  // Versions outside the period cannot answer any of its questions: leave them out of the join.
  const coverage = coverageRows(agreements, usages).filter(
    (row) =>
      row.fromDate <= source.period_end &&
      (row.toDate === null || row.toDate >= source.period_start),
  );
  await manager.query(`
      CREATE TEMP TABLE coverage (agreement_id uuid, version int, publisher_id uuid, usage text,
        scope_type text, work_ids uuid[], kinds text[], schemes text[], territories text[],
        from_date date, to_date date, priced boolean) ON COMMIT DROP`);
  if (coverage.length) {
    await manager.query(
      `INSERT INTO coverage
         SELECT c.agreement_id, c.version, c.publisher_id, c.usage, c.scope_type,
                c.work_ids, c.kinds, c.schemes, c.territories, c.from_date, c.to_date, c.priced
           FROM jsonb_to_recordset($1::jsonb) AS c(agreement_id uuid, version int,
                publisher_id uuid, usage text, scope_type text, work_ids uuid[], kinds text[],
                schemes text[], territories text[], from_date date, to_date date, priced boolean)`,
      [
        JSON.stringify(
          coverage.map((row) => ({
            agreement_id: row.agreementId,
            version: row.version,
            publisher_id: row.publisherId,
            usage: row.usage,
            scope_type: row.scopeType,
            work_ids: row.workIds === null ? null : `{${row.workIds.join(',')}}`,
            kinds: row.kinds === null ? null : `{${row.kinds.join(',')}}`,
            schemes: row.schemes === null ? null : `{${row.schemes.join(',')}}`,
            territories: row.territories === null ? null : `{${row.territories.join(',')}}`,
            from_date: row.fromDate,
            to_date: row.toDate,
            priced: row.priced,
          })),
        ),
      ],
    );
  }
  // Identifiers the report names, resolved once each: two publishers' claims are a conflict.
  await manager.query(`
      CREATE TEMP TABLE report_identifiers ON COMMIT DROP AS
      SELECT wi.scheme, wi.value, min(wi.work_id::text)::uuid AS work_id, count(*) AS claims
        FROM (SELECT DISTINCT scheme, value FROM ${table}
               WHERE scheme IS NOT NULL AND invalid_reason IS NULL) named
        JOIN ${WORK_IDENTIFIERS.name} wi ON wi.scheme = named.scheme AND wi.value = named.value
       GROUP BY wi.scheme, wi.value`);
  await manager.query(`ANALYZE report_identifiers`);
  // Each distinct question the lines ask is matched once, then every line takes its answer.
  await manager.query(`
      CREATE TEMP TABLE match_keys ON COMMIT DROP AS
      SELECT DISTINCT COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END) AS work_id,
             s.usage, COALESCE(s.territory, '') AS territory,
             COALESCE(s.occurred_on, '-infinity'::date) AS occurred_on,
             COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid) AS agreement_hint
        FROM ${table} s
        LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
       WHERE s.invalid_reason IS NULL
         AND COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END) IS NOT NULL`);
  await manager.query(
    `CREATE TEMP TABLE key_matches ON COMMIT DROP AS
      SELECT DISTINCT ON (k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint)
             k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint,
             w.organization_id AS publisher_id, c.agreement_id, c.version,
             CASE WHEN w.id IS NULL THEN 'unknown-work'
                  WHEN c.agreement_id IS NOT NULL THEN NULL
                  WHEN w.withdrawn_at IS NOT NULL
                       AND (CASE WHEN k.occurred_on = '-infinity' THEN $2::date ELSE k.occurred_on END)
                           >= w.withdrawn_at::date THEN 'withdrawn'
                  WHEN k.agreement_hint <> '${NO_AGREEMENT}' THEN 'agreement-does-not-cover'
                  ELSE 'no-agreement' END AS reason
        FROM match_keys k
        LEFT JOIN ${WORKS.name} w ON w.id = k.work_id
        LEFT JOIN coverage c
          ON c.publisher_id = w.organization_id
         AND c.usage = k.usage
         AND (k.agreement_hint = '${NO_AGREEMENT}' OR c.agreement_id = k.agreement_hint)
         AND CASE WHEN k.occurred_on = '-infinity'
                  THEN c.from_date <= $1::date AND (c.to_date IS NULL OR c.to_date >= $2::date)
                  ELSE c.from_date <= k.occurred_on AND (c.to_date IS NULL OR c.to_date >= k.occurred_on)
             END
         AND (w.withdrawn_at IS NULL
              OR (CASE WHEN k.occurred_on = '-infinity' THEN $2::date ELSE k.occurred_on END)
                 < w.withdrawn_at::date)
         AND (k.territory = '' OR c.territories IS NULL OR k.territory = ANY (c.territories))
         AND (c.scope_type = 'all'
              OR (c.scope_type = 'works' AND w.id = ANY (c.work_ids))
              OR (c.scope_type = 'filter'
                  AND (c.kinds IS NULL OR w.kind = ANY (c.kinds))
                  AND (c.schemes IS NULL OR EXISTS (
                        SELECT 1 FROM unnest(w.identifiers) AS wi(identifier)
                         WHERE split_part(wi.identifier, ':', 1) = ANY (c.schemes)))))
       ORDER BY k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint,
                c.priced DESC NULLS LAST, c.agreement_id, c.version`,
    [source.period_start, source.period_end],
  );
  await manager.query(`ANALYZE key_matches`);
}
