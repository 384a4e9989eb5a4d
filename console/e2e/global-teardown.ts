import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = join(__dirname, '..', '..', '.data', 'console-e2e.pid');

/** Stops serve.ts: it closes the service and drops its database on SIGTERM. */
export default async function globalTeardown(): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(PID_FILE, 'utf8'));
  } catch {
    return;
  }
  rmSync(PID_FILE, { force: true });
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL');
}
