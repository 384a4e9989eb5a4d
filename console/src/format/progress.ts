/**
 * The pace of a payout run while it pays, for the live progress panel. The API gives counts and
 * timestamps, not a rate; the rate is computed here from them (and the panel says so).
 */
export interface RunClock {
  /** When the run started paying (its approval), ISO 8601. */
  approvedAt: string | null;
  /** When it ended, if it has (completed or cancelled), ISO 8601. */
  endedAt: string | null;
  /** Items paid so far. */
  paid: number;
}

export interface TransferRate {
  /** Transfers per second, to one decimal place, as text ("12.5"); null before there is a pace. */
  perSecond: string | null;
  /** Seconds from approval to now (or to the end), whole. */
  elapsedSeconds: number;
}

/**
 * Paid items over the seconds since approval (until the run ended, if it has). Counts, not money:
 * plain arithmetic is fine here. Less than a second elapsed, or nothing paid yet: no rate.
 */
export function transferRate(clock: RunClock, now: Date): TransferRate {
  if (!clock.approvedAt) return { perSecond: null, elapsedSeconds: 0 };
  const start = Date.parse(clock.approvedAt);
  const end = clock.endedAt ? Date.parse(clock.endedAt) : now.getTime();
  const elapsedMs = Math.max(0, end - start);
  const elapsedSeconds = Math.floor(elapsedMs / 1000);
  if (elapsedMs < 1000 || clock.paid === 0) return { perSecond: null, elapsedSeconds };
  return { perSecond: ((clock.paid * 1000) / elapsedMs).toFixed(1), elapsedSeconds };
}

/** "2 min 05 s", "45 s", "1 h 02 min" */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours} h ${pad(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}
