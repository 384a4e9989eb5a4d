/**
 * What every bench's report shares: the command it ran, the machine, the pass/fail cells, the
 * notes at the end. A report is a markdown section on stdout (progress goes to stderr), for
 * docs/benchmarks-history.md.
 */
import * as os from 'node:os';
import { log } from './log';
import { median, WIDE_SPREAD } from './stats';

/** "2 × Intel(R) Xeon(R) …": the cores and the model of the first. */
export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
}

/**
 * The command as it was run: `npm run <script>` after the size variables set in the environment
 * (`sizes` maps each variable to the value the bench read from it).
 */
export function sizedCommand(script: string, sizes: Record<string, number>): string {
  const set = Object.entries(sizes)
    .filter(([name]) => process.env[name])
    .map(([name, value]) => `${name}=${value} `)
    .join('');
  return `${set}npm run ${script}`;
}

/** Throws unless each value (read from the variable it is keyed by) is an integer 1..999 999 999. */
export function requirePositiveIntegers(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 1 || value > 999_999_999) {
      throw new Error(`${name} must be a positive integer`);
    }
  }
}

/** Minutes from the environment variable `name` (default `minutes`), in milliseconds. */
export function minutesFromEnv(name: string, minutes: number): number {
  return Number(process.env[name] || minutes) * 60_000;
}

export function verdict(pass: boolean): string {
  return pass ? '**pass**' : '**FAIL**';
}

/** "min | median | max" table cells, each formatted. */
export function spreadCells(values: number[], format: (value: number) => string): string {
  if (values.length === 0) return 'n/a | n/a | n/a';
  return `${format(Math.min(...values))} | ${format(median(values))} | ${format(Math.max(...values))}`;
}

/** The note for figures (`what`) whose spread says the machine was busy (stats' spreadTooWide). */
export function busyMachineNote(what: string): string {
  return (
    `${what} spread more than ${WIDE_SPREAD * 100} % of the median: the machine was busy; run ` +
    'again before believing these figures.'
  );
}

/** "Baseline query and its plan for one identifier:" and both in one code block. */
export function baselineQueryAndPlan(sql: string, plan: string): string[] {
  return ['Baseline query and its plan for one identifier:', '', '```', sql, '', plan, '```'];
}

/** The notes a bench gathers while it runs, printed at the end of its report. */
export class Notes {
  readonly list: string[] = [];

  add(note: string): void {
    this.list.push(note);
  }

  /** A note that is also logged now (to stderr), prefixed as given. */
  addAndLog(note: string, prefix = ''): void {
    this.list.push(note);
    log(`${prefix}${note}`);
  }

  /** A warning for the report and stderr now: what snapshotDist's `warn` wants. */
  readonly warn = (note: string): void => this.addAndLog(note, 'warning: ');
}

/** Writes the report's lines to stdout, then its notes (`Note: …`) after a blank line. */
export function writeReport(lines: string[], notes: Notes): void {
  if (notes.list.length > 0) {
    lines.push('');
    for (const note of notes.list) lines.push(`Note: ${note}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
