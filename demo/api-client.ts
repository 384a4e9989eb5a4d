/** A small JSON client of the service's HTTP API, for the demo and the console's browser tests. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ApiClient {
  constructor(readonly base: string) {}

  /** The response's JSON with its status as `__status`, whatever the status. */
  async call(method: string, path: string, key?: string, body?: unknown): Promise<Json> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : {}) as Json;
    json.__status = response.status;
    return json;
  }

  /** The response's JSON; throws unless the status is 2xx. */
  async ok(method: string, path: string, key?: string, body?: unknown): Promise<Json> {
    const result = await this.call(method, path, key, body);
    if (result.__status >= 300) {
      throw new Error(`${method} ${path} → ${result.__status}: ${JSON.stringify(result)}`);
    }
    return result;
  }

  /** Polls a GET every 100 ms until `done` holds (two minutes at most). */
  async until(path: string, key: string, done: (body: Json) => boolean): Promise<Json> {
    for (let i = 0; i < 1200; i++) {
      const body = await this.ok('GET', path, key);
      if (done(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${path} did not finish in time`);
  }
}
