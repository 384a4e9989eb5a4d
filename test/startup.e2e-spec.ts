import { ChildProcess, execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { databaseUrl } from './support/test-database';

const run = promisify(execFile);
const ENTRY = ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
const WORKER_ENTRY = ['-r', 'ts-node/register/transpile-only', 'src/worker.ts'];

function env(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl(process.env.TEST_SERVER_URL!, process.env.TEST_TEMPLATE_DATABASE!),
    MIGRATIONS_RUN: 'false',
    BOOTSTRAP_ADMIN_KEY: '',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

async function failedStart(overrides: Record<string, string>) {
  return run(process.execPath, ENTRY, { env: env(overrides), timeout: 60_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );
}

/** Resolves once the child has printed `text`; rejects with what it printed after 50 s. */
function waitForOutput(read: () => string, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`"${text}" never printed:\n${read()}`)),
      50_000,
    );
    const check = setInterval(() => {
      if (read().includes(text)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
  });
}

describe('start-up', () => {
  it('stops with one line naming a malformed variable', async () => {
    const result = await failedStart({ PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Invalid environment variable PORT: "PORT" must be a number\n');
  }, 60_000);

  it('stops saying how to get Redis when it cannot be reached', async () => {
    const result = await failedStart({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Redis is not reachable at redis://127.0.0.1:1');
    expect(result.stderr).toContain('docker compose up -d redis');
  }, 60_000);
});

describe('SIGTERM', () => {
  let api: ChildProcess;
  const port = 40000 + (process.pid % 10000);

  afterAll(() => {
    if (api.exitCode === null) api.kill('SIGKILL');
  });

  it('finishes the requests in flight, then exits 0', async () => {
    api = spawn(process.execPath, ENTRY, {
      env: env({
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_PREFIX: `rltest${process.env.TEST_RUN_ID}sig`,
      }),
    });
    let output = '';
    api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForOutput(() => output, 'listening on');

    // A request in flight: headers sent, body half sent, so the server is busy with it.
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({
      name: 'Slow Press',
      kind: 'publisher',
      principal: { name: 'x' },
    });
    socket.write(
      `POST /v1/organizations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const answered = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const exited = new Promise<number | null>((resolve) => api.on('exit', resolve));
    api.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Shutting down: no new connection is accepted ...
    await expect(
      new Promise((resolve, reject) =>
        connect({ host: '127.0.0.1', port }).on('connect', resolve).on('error', reject),
      ),
    ).rejects.toThrow('ECONNREFUSED');
    // ... but the request in flight is finished and answered.
    socket.write(body.slice(10));
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(answer).toContain('"type":"https://rights-ledger.dev/problems/unauthenticated"');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: shutting down');
  }, 60_000);
});

describe('the worker process', () => {
  it('starts without an HTTP listener and exits 0 on SIGTERM', async () => {
    const worker = spawn(process.execPath, WORKER_ENTRY, {
      env: env({ REDIS_PREFIX: `rltest${process.env.TEST_RUN_ID}worker` }),
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    try {
      await waitForOutput(() => output, 'worker started');
      expect(output).not.toContain('listening on');
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
  }, 60_000);
});
