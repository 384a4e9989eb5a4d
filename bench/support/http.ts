import * as http from 'node:http';
import * as net from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Answer {
  status: number;
  body: string;
}

/** One request, its whole answer read as text; fails after `timeoutMs` without socket activity. */
export function request(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<Answer> {
  const { headers = {}, body, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * One request whose body is streamed (a file read from disk, say), its answer read as text;
 * fails after `timeoutMs` without socket activity. An answer that comes before the body is all
 * sent (a 4xx cutting the upload short) is the result, not the broken pipe.
 */
export function streamRequest(
  method: string,
  url: string,
  options: {
    headers?: Record<string, string>;
    body: Readable;
    /** A transform the body goes through on its way (e.g. a substitution). */
    through?: Transform;
    timeoutMs: number;
  },
): Promise<Answer> {
  const { headers = {}, body, through, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    const request = http.request(url, { method, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        settled = true;
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: timed out`)));
    const sent = through ? pipeline(body, through, request) : pipeline(body, request);
    sent.catch((error: unknown) => {
      // Give an early answer a moment to arrive: the first of the two settles the promise.
      setTimeout(() => {
        if (!settled) reject(error instanceof Error ? error : new Error(String(error)));
      }, 1000);
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A caller of a JSON API with bearer keys: any status but `expected` throws with the answer. */
export function jsonRequester(timeoutMs: number) {
  return async <T>(
    base: string,
    method: string,
    path: string,
    key: string,
    body: unknown,
    expected: number,
  ): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await request(method, `${base}${path}`, {
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs,
    });
    if (response.status !== expected) {
      throw new Error(
        `${method} ${path} answered ${response.status}: ${response.body.slice(0, 500)}`,
      );
    }
    return JSON.parse(response.body) as T;
  };
}

/** What jsonRequester makes: `(base, method, path, key, body, expected) => Promise<T>`. */
export type RequestJson = ReturnType<typeof jsonRequester>;
