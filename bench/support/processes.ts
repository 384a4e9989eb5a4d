/** The benches' child processes: node scripts started from the repository root, and stopped. */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './environment';
import { request } from './http';
import { log } from './log';

/** A child whose recent output is kept for waitForLine. */
export interface Watched extends ChildProcess {
  output?: string;
}

export interface ChildProcessesOptions {
  /** stop(): SIGTERM, then SIGKILL after this long. */
  stopGraceMs: number;
  /** How long a child may take to answer 200 (waitForOk) or to log a line (waitForLine). */
  startTimeoutMs: number;
  /**
   * Exits to log while not stopping: 'any' where every child is a server that should run until
   * stopped; 'failed' where a child may also end on its own with code 0.
   */
  reportExits: 'any' | 'failed';
  /** Whether the children's warnings and errors go to stderr as they come (default true). */
  forward?: boolean;
}

/** Probes of waitForOk, each retried every 250 ms until startTimeoutMs. */
const PROBE_TIMEOUT_MS = 2000;

export class ChildProcesses {
  private readonly children = new Set<Watched>();
  private stopping = false;

  constructor(private readonly options: ChildProcessesOptions) {}

  /** `node args…` in ROOT; its output forwarded to stderr, each line prefixed by `[name]`. */
  start(name: string, args: string[], env: NodeJS.ProcessEnv): Watched {
    // BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there when it exits (Node refuses
    // --cpu-prof in NODE_OPTIONS, so it is given on the command line).
    const profileDir = process.env.BENCH_CPU_PROF;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const child: Watched = spawn(process.execPath, [...profile, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.output = '';
    this.children.add(child);
    child.once('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      if (this.options.reportExits === 'any') {
        log(`[${name}] exited unexpectedly (code ${code}, signal ${signal})`);
      } else if (code !== 0) {
        log(`[${name}] exited (code ${code}, signal ${signal})`);
      }
    });
    const forward = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      // Kept (bounded) for waitForLine.
      child.output = `${child.output ?? ''}${text}`.slice(-65_536);
      if (this.options.forward === false) return;
      for (const line of text.split('\n')) {
        if (line.trim() === '' || quiet(line)) continue;
        process.stderr.write(`[${name}] ${line}\n`);
      }
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    return child;
  }

  /** SIGTERM, then SIGKILL after stopGraceMs; resolves once every child has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (exited(child)) {
              resolve();
              return;
            }
            const force = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.stopping = false;
  }

  /** Last resort on any exit path: no child outlives the bench. */
  killNow(): void {
    this.stopping = true;
    for (const child of this.children) {
      if (!exited(child)) child.kill('SIGKILL');
    }
  }

  /**
   * killNow on every way out: the process's exit, SIGINT or SIGTERM (logged as `stopping what`,
   * exit 130), and a watchdog after timeoutMs (logged with `limit`, by default "N min"; exit 1).
   */
  guard(what: string, timeoutMs: number, limit = `${timeoutMs / 60_000} min`): void {
    process.once('exit', () => this.killNow());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping ${what}`);
        this.killNow();
        process.exit(130);
      });
    }
    const watchdog = setTimeout(() => {
      log(`the benchmark did not finish within ${limit}; stopping`);
      this.killNow();
      process.exit(1);
    }, timeoutMs);
    watchdog.unref();
  }

  /**
   * Exits 0 once `main` resolves; when it fails: logs `<name> failed: …`, stops the children, runs
   * `cleanup` and exits 1.
   */
  exitWhenDone(name: string, main: Promise<void>, cleanup?: () => Promise<void>): void {
    main.then(
      () => process.exit(0),
      async (error: unknown) => {
        log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        await this.stop();
        await cleanup?.();
        process.exit(1);
      },
    );
  }

  async waitForOk(child: ChildProcess, url: string): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    for (;;) {
      if (exited(child)) {
        throw new Error(`${url}: the server exited (code ${child.exitCode}) before answering`);
      }
      const status = await request('GET', url, { timeoutMs: PROBE_TIMEOUT_MS }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer 200 within ${this.options.startTimeoutMs} ms`);
      }
      await sleep(250);
    }
  }

  /** Until the child's output matches; `who` names it in the errors ("the worker"). */
  async waitForLine(child: Watched, pattern: RegExp, who: string): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    while (!pattern.test(child.output ?? '')) {
      if (exited(child)) throw new Error(`${who} exited before logging ${pattern}`);
      if (Date.now() > deadline) {
        throw new Error(`${who} did not log ${pattern} within ${this.options.startTimeoutMs} ms`);
      }
      await sleep(100);
    }
  }
}

/** pino lines below warn (level 40). */
function quiet(line: string): boolean {
  const match = /^\{"level":(\d+)/.exec(line);
  return match !== null && Number(match[1]) < 40;
}

export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Peak resident set size of a process as the kernel counts it, in KiB (Linux only). */
export function peakRssKiB(pid: number | undefined): number | undefined {
  return statusKiB(pid, 'VmHWM');
}

/** Resident set size of a process now, in KiB (Linux only); undefined once it is gone. */
export function rssKiB(pid: number | undefined): number | undefined {
  return statusKiB(pid, 'VmRSS');
}

/** A size field of /proc/<pid>/status, in KiB. */
function statusKiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
