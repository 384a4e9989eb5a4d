import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The server's id of a request: always generated here, never the caller's. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** A caller's own id for its request, kept beside ours (logs, audit trail), echoed when valid. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** A caller's id is kept when it is short and plain; anything else is dropped, never echoed. */
const ACCEPTABLE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  return randomUUID();
}

/**
 * The caller's correlation id: `X-Correlation-Id`, or else the `X-Request-Id` it sent (which
 * earlier versions adopted as the request id), when short and plain; otherwise none.
 */
export function correlationIdFromHeaders(headers: IncomingHttpHeaders): string | null {
  for (const name of [CORRELATION_ID_HEADER, REQUEST_ID_HEADER]) {
    const header = headers[name];
    const candidate = Array.isArray(header) ? header[0] : header;
    if (candidate !== undefined) {
      return ACCEPTABLE_CORRELATION_ID.test(candidate) ? candidate : null;
    }
  }
  return null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's own id for this request (see correlationIdFromHeaders), or null. */
    correlationId: string | null;
  }
}
