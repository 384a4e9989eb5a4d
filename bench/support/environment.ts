/** Where the benches run and what they run: loopback-only URLs, the build, the revision. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './log';

export const ROOT = join(__dirname, '..', '..');
/** The last `npm run build`, and its api entry. */
export const DIST = join(ROOT, 'dist');
export const DIST_MAIN = join(DIST, 'src', 'main.js');

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

/**
 * For a bench that runs dist/ itself: builds when dist/ is missing, else warns when src/ or
 * migrations/ changed after the last build.
 */
export function ensureBuilt(): void {
  if (buildIfMissing()) return;
  const newer = sourcesChangedSince(statSync(DIST_MAIN).mtimeMs);
  if (newer) log('warning: src/ or migrations/ changed after dist/ was built; measuring dist/');
}

/** When dist/ was built (its api entry's mtime), or 'never'. */
export function distBuiltAt(): string {
  return existsSync(DIST_MAIN) ? statSync(DIST_MAIN).mtime.toISOString() : 'never';
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

/**
 * Builds when dist/ is missing, warns (through `warn`) when it is older than src/, then copies it
 * to `snapshot`, which the bench's processes run (a rebuild meanwhile does not change them).
 */
export function snapshotDist(snapshot: string, warn: (note: string) => void): string {
  buildIfMissing();
  const builtAt = statSync(DIST_MAIN).mtimeMs;
  const stale = sourcesChangedSince(builtAt);
  if (stale) warn('src/ or migrations/ changed after dist/ was built: the bench ran dist/.');
  rmSync(snapshot, { recursive: true, force: true });
  cpSync(DIST, snapshot, { recursive: true, filter: (source) => !source.endsWith('.tsbuildinfo') });
  return `dist/ built ${new Date(builtAt).toISOString()}${stale ? ' (older than src/)' : ''}`;
}
