import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The V8 flags `npm start` gives the api (package.json, scripts.start), so that a bench runs the
 * service as it ships: e.g. the old-space cap that keeps its memory flat during long uploads.
 */
export function apiNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`scripts.start does not run node: ${pkg.scripts.start}`);
  return args.filter((arg) => arg.startsWith('--'));
}
