/** HTTP load from the bench's own process: bounded autocannon runs, with exact latencies. */
import { inspect } from 'node:util';
import autocannon from 'autocannon';
import { fixed, percentileOfSorted } from './stats';

export interface LoadSample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** 2xx answers. */
  requests: number;
}

export interface LoadOptions {
  /** Names the target in the errors. */
  label: string;
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** autocannon's request list (e.g. a setupRequest that picks each request's path). */
  requests?: autocannon.Request[];
  /** Requests per second across all connections (autocannon's overallRate): a steady load. */
  overallRate?: number;
}

/** One bounded autocannon run; fails on any connection error or non-2xx answer. */
export function load(options: LoadOptions): Promise<LoadSample> {
  return new Promise<LoadSample>((resolve, reject) => {
    const latencies: number[] = [];
    const errorKinds = new Map<string, number>();
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        headers: options.headers,
        timeout: 10,
        ...(options.requests ? { requests: options.requests } : {}),
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(inspect(error)));
          return;
        }
        if (result.errors > 0 || result.non2xx > 0) {
          reject(
            new Error(
              `${options.label}: ${result.errors} connection errors (${result.timeouts} timeouts) ` +
                `${JSON.stringify(Object.fromEntries(errorKinds))}, ${result.non2xx} non-2xx ` +
                `answers ${JSON.stringify(result.statusCodeStats ?? {})}`,
            ),
          );
          return;
        }
        // autocannon's own histogram keeps whole milliseconds; these are exact.
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requestsPerSecond: result['2xx'] / result.duration,
          p50: percentileOfSorted(sorted, 0.5),
          p99: percentileOfSorted(sorted, 0.99),
          requests: result['2xx'],
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
    instance.on('reqError', (error: unknown) => {
      const kind =
        (error as NodeJS.ErrnoException | undefined)?.code ??
        (error instanceof Error ? error.message : 'unknown');
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    });
  });
}

/** A progress line: "12345 req/s, p50 0.80 ms, p99 2.10 ms". */
export function describeSample(sample: LoadSample): string {
  return (
    `${fixed(sample.requestsPerSecond, 0)} req/s, p50 ${fixed(sample.p50, 2)} ms, ` +
    `p99 ${fixed(sample.p99, 2)} ms`
  );
}
