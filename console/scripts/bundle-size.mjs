// The JavaScript a browser must load before the console's first page is usable: the entry chunk
// and every chunk it imports statically (Vite's manifest), plus the heaviest page's own chunks
// (whichever page is opened first), gzipped. Charts load after their page is usable and are not
// counted. Fails above the budget (issue 17: 350 KB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 350 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entry)
  throw new Error('no entry chunk in console/dist/.vite/manifest.json: run npm run build:console');
const gzipped = new Map();
const sizeOf = (key) => {
  if (!gzipped.has(key)) {
    gzipped.set(key, gzipSync(readFileSync(join(dist, manifest[key].file)), { level: 9 }).length);
  }
  return gzipped.get(key);
};
/** A chunk and every chunk it imports statically, less those already counted. */
const closure = (key, counted, into = new Set()) => {
  if (counted.has(key) || into.has(key)) return into;
  into.add(key);
  for (const imported of manifest[key].imports ?? []) closure(imported, counted, into);
  return into;
};
const bytesOf = (keys) => [...keys].reduce((sum, key) => sum + sizeOf(key), 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;

const shell = closure(entry, new Set());
const pages = (manifest[entry].dynamicImports ?? [])
  .map((page) => ({ page, bytes: bytesOf(closure(page, shell)) }))
  .sort((a, b) => b.bytes - a.bytes);
const heaviest = pages[0] ?? { page: '(none)', bytes: 0 };
const total = bytesOf(shell) + heaviest.bytes;

console.log('console: gzipped JavaScript before the first page is usable');
console.log(`  entry and its static imports ${kb(bytesOf(shell))}`);
for (const { page, bytes } of pages) console.log(`    page ${page.padEnd(36)} ${kb(bytes)}`);
console.log(`  entry + heaviest page (${heaviest.page}) ${kb(total)} of ${BUDGET_BYTES / 1024} KB`);
if (total > BUDGET_BYTES) {
  console.error('console: the first page loads more JavaScript than its budget');
  process.exit(1);
}
