/**
 * Where a usage report's time goes in PostgreSQL, without touching the service: polls
 * pg_stat_activity every SAMPLE_MS for the run's database and keeps, per statement (backend and
 * start time), how long it had been running when last seen and what it was waiting on. Statements
 * shorter than a sample interval may be missed; the long ones are the point.
 */
import { Client } from 'pg';
import { sleep } from '../support/processes';

export const SAMPLE_MS = 200;

export interface SampledStatement {
  label: string;
  seconds: number;
  /** Samples by wait event ("CPU" when none), over the statement's samples. */
  waits: Map<string, number>;
}

interface Seen {
  label: string;
  startMs: number;
  lastMs: number;
  waits: Map<string, number>;
}

/** The statements of the api and the worker, in the order they run, with short names. */
const NAMED: [RegExp, string][] = [
  [/^COPY usage_staging/, 'COPY into the staging table (the whole upload)'],
  [/^CREATE TABLE usage_staging/, 'CREATE TABLE staging'],
  [/^INSERT INTO usage_reports/, 'INSERT usage_reports'],
  [/^UPDATE usage_staging\.r_… s SET invalid_reason = 'duplicate/, 'mark duplicate lineIds'],
  [/report_questions ON COMMIT DROP AS/, 'CREATE report_questions (one pass over the lines)'],
  [
    /report_line_groups ON COMMIT DROP AS/,
    'CREATE report_line_groups (the citing lines by receipt and day)',
  ],
  [/^SELECT COALESCE\(sum\(lines\), 0\) AS valid/, 'count valid lines'],
  [/^ANALYZE report_questions/, 'ANALYZE report_questions'],
  [/^SELECT DISTINCT usage/, 'distinct usages'],
  [/report_identifiers ON COMMIT DROP AS/, 'CREATE report_identifiers (resolve ISBNs)'],
  [/^ANALYZE report_identifiers/, 'ANALYZE report_identifiers'],
  [/match_keys ON COMMIT DROP AS/, 'CREATE match_keys (distinct questions)'],
  [/key_matches ON COMMIT DROP AS/, 'CREATE key_matches (works × coverage)'],
  [/^ANALYZE key_matches/, 'ANALYZE key_matches'],
  [/answered_questions ON COMMIT DROP AS/, 'CREATE answered_questions'],
  [/receipt_secrets ON COMMIT DROP AS/, 'CREATE receipt_secrets'],
  [/checked_citations ON COMMIT DROP AS/, 'CREATE checked_citations (the refused ones)'],
  [/^CREATE TABLE usage_evidence\.c_/, "CREATE the report's citations table"],
  [
    /^WITH kept AS \(\s*INSERT INTO usage_evidence\.c_/,
    "INSERT the report's citations (one HMAC each)",
  ],
  [/^CREATE INDEX ON usage_evidence\.c_/, "CREATE INDEX on the report's citations"],
  [
    /^ALTER TABLE usage_receipt_citations_\S+\s+ATTACH PARTITION/,
    "ATTACH PARTITION (the report's citations)",
  ],
  [/^INSERT INTO usage_aggregates/, 'INSERT INTO usage_aggregates'],
  [/open_questions ON COMMIT DROP AS/, 'CREATE open_questions'],
  [/^INSERT INTO usage_line_issues/, 'INSERT INTO usage_line_issues (lines not matched)'],
  [/^ALTER TABLE usage_staging\.r_… ADD COLUMN/, 'ADD COLUMN partition keys'],
  [/^ALTER TABLE usage_staging\.r_… SET SCHEMA/, 'SET SCHEMA usage_evidence'],
  [/^ALTER TABLE royalty_charges ATTACH PARTITION/, "ATTACH PARTITION (the run's charges)"],
  [/ATTACH PARTITION/, "ATTACH PARTITION (the report's lines)"],
  [/^SELECT COALESCE\(sum\(lines\) FILTER/, 'count outcomes'],
  [/^UPDATE usage_reports r/, 'UPDATE usage_reports (totals by usage)'],
  [/^DROP TABLE usage_staging/, 'DROP staging'],
  [/^COMMIT/, 'COMMIT'],
];

/** A short, stable name for a statement of the api or the worker. */
export function labelOf(query: string, phase: 'api' | 'worker'): string {
  const q = query
    .replace(/usage_(staging|evidence)\.r_[0-9a-f]+/g, 'usage_$1.r_…')
    // A royalty run's charges partition (royalty_charges_partition): one label for every run.
    .replace(/royalty_charges_[0-9a-f]{32}/g, 'royalty_charges_<run>')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, name] of NAMED) if (pattern.test(q)) return `${phase}: ${name}`;
  return `${phase}: ${q.slice(0, 60)}`;
}

/** Sorts labels as the statements run: the api's, then the worker's, each in code order. */
export function labelRank(label: string): number {
  const [phase, name] = label.split(': ', 2);
  const index = NAMED.findIndex(([, named]) => named === name);
  return (phase === 'api' ? 0 : 100) + (index === -1 ? 99 : index);
}

export class StatementSampler {
  private readonly seen = new Map<string, Seen>();
  private running = false;
  private loop?: Promise<void>;
  private client?: Client;
  /** Statements seen after this are the worker's. */
  private ingested = false;
  samples = 0;

  constructor(
    private readonly url: string,
    private readonly database: string,
  ) {}

  async start(): Promise<void> {
    this.client = new Client({ connectionString: this.url, application_name: 'bench-sampler' });
    await this.client.connect();
    this.running = true;
    this.loop = this.run();
  }

  markIngested(): void {
    this.ingested = true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const { rows } = await this.client!.query<{
          pid: number;
          start_ms: string;
          now_ms: string;
          query: string;
          wait: string | null;
        }>(
          `SELECT pid, extract(epoch FROM query_start) * 1000 AS start_ms,
                  extract(epoch FROM clock_timestamp()) * 1000 AS now_ms, left(query, 300) AS query,
                  wait_event_type || ':' || wait_event AS wait
             FROM pg_stat_activity
            WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()
              AND application_name <> 'bench-sampler'`,
          [this.database],
        );
        this.samples++;
        for (const row of rows) {
          const key = `${row.pid}@${row.start_ms}`;
          let entry = this.seen.get(key);
          if (!entry) {
            entry = {
              label: labelOf(row.query, this.ingested ? 'worker' : 'api'),
              startMs: Number(row.start_ms),
              lastMs: Number(row.now_ms),
              waits: new Map(),
            };
            this.seen.set(key, entry);
          }
          entry.lastMs = Number(row.now_ms);
          const wait = row.wait ?? 'CPU';
          entry.waits.set(wait, (entry.waits.get(wait) ?? 0) + 1);
        }
      } catch {
        // The database may be going away at the end of a run.
      }
      await sleep(SAMPLE_MS);
    }
  }

  /** Per label: the sum of its statements' observed durations, in order of first start. */
  async stop(): Promise<SampledStatement[]> {
    this.running = false;
    await this.loop;
    await this.client?.end().catch(() => undefined);
    const byLabel = new Map<string, SampledStatement & { first: number }>();
    for (const entry of [...this.seen.values()].sort((a, b) => a.startMs - b.startMs)) {
      const statement = byLabel.get(entry.label) ?? {
        label: entry.label,
        seconds: 0,
        waits: new Map<string, number>(),
        first: entry.startMs,
      };
      statement.seconds += (entry.lastMs - entry.startMs) / 1000;
      for (const [wait, count] of entry.waits) {
        statement.waits.set(wait, (statement.waits.get(wait) ?? 0) + count);
      }
      byLabel.set(entry.label, statement);
    }
    return [...byLabel.values()]
      .sort((a, b) => a.first - b.first)
      .map(({ label, seconds, waits }) => ({ label, seconds, waits }));
  }
}

/** "CPU 70 %, IO:DataFileRead 20 %" — the two most frequent, of a statement's samples. */
export function describeWaits(waits: Map<string, number>): string {
  const total = [...waits.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return '—';
  return [...waits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([wait, count]) => `${wait} ${Math.round((100 * count) / total)} %`)
    .join(', ');
}
