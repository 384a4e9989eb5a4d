const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A size in binary units, to one decimal past KiB: "512 bytes", "1.5 MiB", "4 GiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} bytes`;
  const shown = value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit]}`;
}

/** Upload progress in words: "12.5 MiB of 250 MiB (5.0 %)". */
export function formatUploadProgress(loaded: number, total: number): string {
  const percent = total > 0 ? ((loaded * 100) / total).toFixed(1) : '0.0';
  return `${formatBytes(loaded)} of ${formatBytes(total)} (${percent} %)`;
}

/** The media type the API reads for a catalogue file, from its name; null when unknown. */
export function contentTypeOf(fileName: string): 'application/x-ndjson' | 'text/csv' | null {
  const name = fileName.toLowerCase();
  if (/\.(ndjson|jsonl)$/.test(name)) return 'application/x-ndjson';
  if (name.endsWith('.csv')) return 'text/csv';
  return null;
}
