/** Small number helpers shared by the benches (bench/catalogue/lookup.ts included). */

/** A spread (max - min) / median wider than this means a busy machine: run again. */
export const WIDE_SPREAD = 0.15;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], fraction: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), fraction);
}

/** Nearest-rank percentile of values sorted once for several percentiles. */
export function percentileOfSorted(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1];
}

/** Whether (max - min) / median of two or more values is wider than WIDE_SPREAD. */
export function spreadTooWide(values: number[]): boolean {
  if (values.length < 2) return false;
  return (Math.max(...values) - Math.min(...values)) / median(values) > WIDE_SPREAD;
}

export function fixed(value: number | undefined, digits: number): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** 1234567 → "1 234 567" (as the benchmark docs write thousands). */
export function grouped(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function mib(kib: number | undefined): number {
  return kib === undefined ? Number.NaN : kib / 1024;
}

export function formatKiB(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`;
}
