/** Progress, warnings and errors: stderr, so that stdout carries only the report. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
