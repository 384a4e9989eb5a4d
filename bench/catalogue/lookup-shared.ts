/** What bench/catalogue.ts and its lookup child (lookup.ts) share. */

/** The baseline: the identifier's primary key, then the work by id; one round trip. */
export const BASELINE_SQL = `SELECT w.*
  FROM work_identifiers wi
  JOIN works w ON w.id = wi.work_id
 WHERE wi.scheme = $1 AND wi.value = $2 AND wi.organization_id = $3`;

export interface LookupRound {
  medianMs: number;
  p99Ms: number;
  meanMs: number;
  lookups: number;
}

export interface LookupResult {
  service: LookupRound[];
  baseline: LookupRound[];
  warmup: { service: LookupRound; baseline: LookupRound };
  /** A short probe as the import left the tables, then the ANALYZE the measured rounds follow. */
  beforeAnalyze: {
    statsPresent: boolean;
    autovacuum: string;
    service: LookupRound;
    baseline: LookupRound;
    analyzeSeconds: number;
  };
  /** EXPLAIN (ANALYZE, BUFFERS) of the baseline query for one identifier. */
  explain: string;
}
