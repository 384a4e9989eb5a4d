import type { UploadProgress } from '../../api/upload';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** A byte count for people, in powers of 1,000 with one decimal: "12.8 MB", "512 bytes". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes.toLocaleString('en')} bytes` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Whole per cent sent, never 100 before the last byte: 0 for an empty file. */
export function percentSent(progress: UploadProgress): number {
  if (progress.total <= 0) return 0;
  const percent = Math.floor((progress.loaded * 100) / progress.total);
  return progress.loaded >= progress.total ? 100 : Math.min(99, percent);
}

/** "12.8 MB of 13.1 MB sent (97 %)" */
export function describeProgress(progress: UploadProgress): string {
  return `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} sent (${percentSent(progress)} %)`;
}
