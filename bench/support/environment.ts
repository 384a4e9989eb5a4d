/** Where the benches run and what they run: loopback-only URLs, the build, the revision. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './log';

export const ROOT = join(__dirname, '..', '..');
/** The api entry of the last `npm run build`. */
export const DIST_MAIN = join(ROOT, 'dist', 'src', 'main.js');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function assertLoopback(name: string, url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`${name} points at ${host}: this benchmark only uses loopback addresses`);
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** Runs `npm run build` when dist/ has no api entry; true when it built. */
export function buildIfMissing(): boolean {
  if (existsSync(DIST_MAIN)) return false;
  log('dist/src/main.js is missing: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(DIST_MAIN)) throw new Error('npm run build failed');
  return true;
}

/** Whether src/ or migrations/ changed after a build made at `builtAtMs`. */
export function sourcesChangedSince(builtAtMs: number): boolean {
  return ['src', 'migrations'].some((folder) => newestMtime(join(ROOT, folder)) > builtAtMs);
}

function newestMtime(folder: string): number {
  if (!existsSync(folder)) return 0;
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

export function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'an unknown revision';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : ' (src/ or migrations/ modified)'}`;
}
