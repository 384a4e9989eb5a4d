import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleDirectory } from '../src/console/serve-console';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-abc123.js"></script></body></html>';
const SCRIPT = 'console.log("console");\n';
const SECRET = 'not-for-the-browser-7f3a';

const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

function fakeConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // A secret beside the build: a traversal must never reach it.
  writeFileSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`), SECRET);
  return dir;
}

describe('the console, served by the api at /', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fakeConsole();
    t = await startTestApp({ CONSOLE_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-secret.txt`, { force: true });
  });

  const expectPage = (response: Awaited<ReturnType<TestApp['http']['get']>>) => {
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers).toMatchObject(PAGE_HEADERS);
    expect(response.text).toBe(INDEX);
  };

  it('answers / with index.html, never cached without revalidation, under a strict policy', async () => {
    expectPage(await t.http.get('/'));
    expectPage(await t.http.get('/index.html'));
  });

  it("answers the console's own routes with index.html (it routes in the browser)", async () => {
    expectPage(await t.http.get('/royalty-runs/123'));
    expectPage(await t.http.get('/publisher/works?tab=imports'));
    expectPage(await t.http.get('/v1x'));
  });

  it('answers a hashed asset with its bytes, cached for a year, immutable', async () => {
    const response = await t.http.get('/assets/app-abc123.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toBe(SCRIPT);
  });

  it('answers another file of the build with a revalidated cache', async () => {
    const response = await t.http.get('/favicon.svg');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with 404, not the page', async () => {
    const response = await t.http.get('/assets/missing.js');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['cache-control']).toBeUndefined();
    expect(response.body).toMatchObject({ type: `${PROBLEM}route-not-found`, status: 404 });
  });

  it("keeps the API's 404 problem for unknown paths under its prefixes", async () => {
    for (const path of [
      '/v1/nope',
      '/v1',
      '/rsl/nope',
      '/health/nope',
      '/docs/nope.js',
      '/.well-known/nope',
      '/v1%2Fnope',
    ]) {
      const response = await t.http.get(path, ADMIN_KEY);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: `${PROBLEM}route-not-found`, status: 404 });
      expect(response.headers['content-security-policy']).toBeUndefined();
    }
  });

  it("leaves the API's own routes as they were", async () => {
    const openapi = await t.http.get('/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths).some((p) => p.includes('*'))).toBe(false);
    const live = await t.http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toMatch(/^application\/json/);
    expect((await t.http.get('/v1/me', ADMIN_KEY)).status).toBe(200);
    expect((await t.http.get('/docs')).headers['content-type']).toMatch(/^text\/html/);
  });

  it('never serves a file outside the build', async () => {
    const secret = `/${dir.split('/').pop()}-secret.txt`;
    for (const path of [
      '/..%2f..%2fetc/passwd',
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/package.json',
      `/..${secret}`,
      `/..%2f${secret.slice(1)}`,
      '/assets/..%5c..%5cpackage.json',
    ]) {
      const response = await t.http.get(path);
      expect({ path, status: response.status }).toEqual({
        path,
        status: response.status === 404 ? 404 : 200,
      });
      if (response.status === 200)
        expect({ path, text: response.text }).toEqual({ path, text: INDEX });
      expect(response.text).not.toContain(SECRET);
      expect(response.text).not.toContain('"name": "rights-ledger"');
    }
  });

  it('never serves a file outside the build, even to a client that sends dot segments as is', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const raw = (path: string) =>
      new Promise<{ status: number; text: string }>((done, fail) => {
        httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => done({ status: response.statusCode ?? 0, text }));
        })
          .on('error', fail)
          .end();
      });
    for (const path of [
      '/assets/../../package.json',
      `/../${dir.split('/').pop()}-secret.txt`,
      '/assets/../../../../../../etc/passwd',
    ]) {
      const response = await raw(path);
      expect({ path, status: response.status }).toEqual({
        path,
        status: response.status === 404 ? 404 : 200,
      });
      expect(response.text).not.toContain(SECRET);
      expect(response.text).not.toContain('"name": "rights-ledger"');
      expect(response.text).not.toContain('root:');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const page = await t.http.request('HEAD', '/royalty-runs/123');
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject(PAGE_HEADERS);
    expect(page.text).toBe('');
    const asset = await t.http.request('HEAD', '/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(asset.text).toBe('');
  });

  it('leaves other methods on unknown paths as they were', async () => {
    const response = await t.http.post('/royalty-runs/123', ADMIN_KEY, {});
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: `${PROBLEM}route-not-found`, status: 404 });
  });

  it('never serves a file for a path holding a NUL or a backslash: the page at most', async () => {
    expectPage(await t.http.get('/works/a%00b'));
    const nul = await t.http.get('/assets/app-abc123.js%00');
    expect(nul.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(nul.text).not.toContain(SCRIPT.trim());
    expect((await t.http.get('/assets%5capp-abc123.js')).text).toBe(INDEX);
  });

  it("keeps the router's own answers under the API's prefixes", async () => {
    const response = await t.http.get(`/v1/works/${'a'.repeat(5000)}`, ADMIN_KEY);
    expect(response.status).toBe(414);
    expect(response.body.type).toBe(`${PROBLEM}path-parameter-too-long`);
    expect((await t.http.get('/v1/works/%E0%A4%A', ADMIN_KEY)).status).toBe(400);
  });
});

describe('the console, not built', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CONSOLE_DIR: join(tmpdir(), 'rl-console-never-built') });
  });
  afterAll(() => t.close());

  it('answers / with a problem that says how to build it, and the API runs', async () => {
    const response = await t.http.get('/');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `${PROBLEM}console-not-built`, status: 503 });
    expect(response.body.detail).toContain('run npm run build');
    expect((await t.http.get('/assets/app.js')).status).toBe(404);
    expect((await t.http.get('/health/live')).status).toBe(200);
    expect((await t.http.get('/v1/nope', ADMIN_KEY)).body.type).toBe(`${PROBLEM}route-not-found`);
  });
});

describe('CONSOLE_DIR', () => {
  it('defaults to console/dist in the project, found from the code', () => {
    expect(consoleDirectory(undefined)).toBe(join(__dirname, '..', 'console', 'dist'));
  });

  it('takes a relative path from the working directory', () => {
    expect(consoleDirectory('build/console')).toBe(join(process.cwd(), 'build', 'console'));
  });
});
