import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const FIXTURE = join(ROOT, '.data', 'console-e2e.json');
const PID_FILE = join(ROOT, '.data', 'console-e2e.pid');

/**
 * Starts serve.ts (the service, seeded) in its own process — Nest's decorators need ts-node with
 * SWC, which Playwright's own TypeScript loader is not — and waits for its READY.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
      '--swc',
      '--project',
      'tsconfig.json',
      'console/e2e/serve.ts',
    ],
    {
      cwd: ROOT,
      // Playwright's own TypeScript loader (NODE_OPTIONS) is not for the child: ts-node is.
      env: { ...process.env, NODE_OPTIONS: '', CONSOLE_E2E_FIXTURE: FIXTURE },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    },
  );
  writeFileSync(PID_FILE, String(child.pid));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve.ts not ready in 180 s:\n${output}`)),
      180_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.ts exited with ${code}:\n${output}`));
    });
  });
  // Keep draining its output so the child never blocks on a full pipe; show errors.
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  child.removeAllListeners('exit');
}
