import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The console's API types are generated from this service's own /openapi.json (openapi-typescript);
 * the console calls routes only through them. When a route changes, this test fails until they are
 * generated again: `npm run console:api-types` (this test with UPDATE_CONSOLE_API_TYPES=1).
 */
const TYPES_FILE = join(__dirname, '..', 'console', 'src', 'api', 'schema.d.ts');
const HEADER =
  "/* Generated from the service's /openapi.json by openapi-typescript: do not edit.\n" +
  ' * Regenerate with `npm run console:api-types`. */\n';

describe('the console API types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are generated from the current OpenAPI document', async () => {
    const document = await t.http.request('GET', '/openapi.json');
    expect(document.status).toBe(200);
    const generated = HEADER + generateTypes(document.text);
    if (process.env.UPDATE_CONSOLE_API_TYPES === '1') writeFileSync(TYPES_FILE, generated);
    let committed = '';
    try {
      committed = readFileSync(TYPES_FILE, 'utf8');
    } catch {
      // missing: reported as stale below
    }
    if (committed !== generated) {
      throw new Error(
        `${TYPES_FILE} is stale against /openapi.json: run npm run console:api-types and commit it`,
      );
    }
  });
});

/** openapi-typescript's own CLI (its Node API is ESM that jest's CommonJS runtime cannot load). */
function generateTypes(openApiDocument: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-api-types-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), openApiDocument);
    const cli = join(__dirname, '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(
      process.execPath,
      [cli, join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')],
      {
        stdio: 'pipe',
      },
    );
    return readFileSync(join(dir, 'schema.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
