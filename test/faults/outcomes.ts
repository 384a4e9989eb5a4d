import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const FILE = join(__dirname, '..', '..', 'reports', 'faults', 'outcomes.jsonl');

/**
 * A fault scenario's outcome and timings, printed and appended to reports/faults/outcomes.jsonl
 * (git-ignored): what docs/RELIABILITY.md quotes after a run of npm run test:faults.
 */
export function recordOutcome(job: string, fault: string, figures: Record<string, number>): void {
  const line = { at: new Date().toISOString(), job, fault, ...figures };
  mkdirSync(join(FILE, '..'), { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(line)}\n`);
  process.stdout.write(`[fault outcome] ${JSON.stringify(line)}\n`);
}
