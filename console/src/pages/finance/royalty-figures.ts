import { formatPeriod } from '../../format/dates';
import { formatMoney, type MinorUnits } from '../../format/money';

/**
 * Words for the figures the royalty pages show: what a confirmation restates, rates with their
 * units, shares in per cent. Display only — every figure comes from the API as it gave it.
 */

export interface CurrencyFigures {
  currency: string;
  invoices: number;
  invoiced: MinorUnits;
  commission: MinorUnits;
}

export interface RunFigures {
  periodStart: string;
  periodEnd: string;
  summary: { statements?: number; byCurrency?: CurrencyFigures[] };
}

/** "3 invoices", "1 statement": a count with its noun. */
export function countOf(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}

function joined(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * What posting a run will do, in figures, from the run's own summary: "Post run June 2027:
 * 3 invoices, EUR 18,000.00; 4 statements; commission EUR 1,800.00" (each currency named where
 * several meet).
 */
export function describePost(run: RunFigures, locale?: string): string {
  const currencies = run.summary.byCurrency ?? [];
  const invoiced = currencies.map(
    (c) => `${countOf(c.invoices, 'invoice')}, ${formatMoney(c.invoiced, c.currency, locale)}`,
  );
  const commission = currencies.map((c) => formatMoney(c.commission, c.currency, locale));
  const parts = [
    currencies.length > 0 ? joined(invoiced) : 'no invoices',
    countOf(run.summary.statements ?? 0, 'statement'),
  ];
  if (commission.length > 0) parts.push(`commission ${joined(commission)}`);
  return `Post run ${formatPeriod(run.periodStart, run.periodEnd)}: ${parts.join('; ')}`;
}

/** Basis points as a percentage, exactly (integer arithmetic): 1000 → "10.00 %", 3333 → "33.33 %". */
export function formatBps(bps: number): string {
  if (!Number.isSafeInteger(bps)) throw new RangeError(`not a whole number of bps: ${bps}`);
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(bps);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')} %`;
}

export interface RatedLine {
  kind: string;
  unit: string | null;
  rate: string | null;
  per: number | null;
}

/**
 * A statement line's rate as the API gives it, with its unit: per-unit rates are minor units
 * per `per` units ("0.0125 per 1,000 tokens"); a revenue share's rate is bps of the revenue.
 * Lines without a rate (fees, guarantees, advances) have none to show: null.
 */
export function describeRate(line: RatedLine): string | null {
  if (line.rate === null) return null;
  if (line.kind.startsWith('revenue-share')) return `${line.rate} bps of revenue`;
  const per = line.per ?? 1;
  const unit = line.unit ?? 'unit';
  return per === 1
    ? `${line.rate} per ${unit}`
    : `${line.rate} per ${per.toLocaleString('en')} ${unit}s`;
}

/** Elapsed time as a clock: 65 s → "1:05", 3723 s → "1:02:03". */
export function formatElapsed(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}
