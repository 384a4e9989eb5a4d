import { RequestMethod } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage } from 'node:http';
import { Params, PinoLogger } from 'nestjs-pino';
import { Environment } from './config/environment';
import { correlationIdFromHeaders, newRequestId } from './common/request-id';

/** A route that logs its own "request completed" line (logRequestCompleted). */
export interface HandLoggedRoute {
  method: 'GET' | 'POST';
  path: string;
}

/**
 * JSON lines on stdout; every line logged while serving a request carries its id (`reqId`).
 * `handLogged`: routes served beside Nest's pipeline for speed (the licence check), which
 * pino-http's middleware skips — it builds a child logger per request, serializing the request
 * into it, whether or not a line is written: a tenth of a check's time.
 */
export function loggerOptions(env: Environment, handLogged: HandLoggedRoute[] = []): Params {
  return {
    exclude: handLogged.map(({ method, path }) => ({
      method: RequestMethod[method],
      path: path.slice(1),
    })),
    pinoHttp: {
      level: env.LOG_LEVEL,
      // Fastify has already chosen the id (see create-app.ts); outside HTTP there is none to reuse.
      genReqId: (request: IncomingMessage) =>
        (request as IncomingMessage & { id?: string }).id ?? newRequestId(),
      // The caller's own id (X-Correlation-Id, or the X-Request-Id it sent), when valid.
      customProps: (request: IncomingMessage) => {
        const correlationId = correlationIdFromHeaders(request.headers);
        return correlationId ? { correlationId } : {};
      },
      // Credentials: API keys, the session cookie sent and its CSRF token, and the cookie set at
      // sign-in. (Bodies, where POST /v1/sessions carries its apiKey, are never logged.)
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500
          ? 'error'
          : response.statusCode >= 400
            ? 'warn'
            : 'info',
      // Probes hit health every few seconds; their lines would drown the rest.
      autoLogging: {
        ignore: (request) =>
          (
            (request as IncomingMessage & { originalUrl?: string }).originalUrl ??
            request.url ??
            ''
          ).startsWith('/health/'),
      },
    },
  };
}

/**
 * pino-http's "request completed" line for a hand-logged route, at the same level by status
 * (error ≥ 500, warn ≥ 400, else info), with the request id, the caller's correlation id, the
 * status and the time taken; built only when the level is written.
 */
export function logRequestCompleted(request: FastifyRequest, reply: FastifyReply): void {
  const logger = PinoLogger.root;
  const status = reply.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger?.isLevelEnabled(level)) return;
  logger[level](
    {
      req: {
        id: request.id,
        method: request.method,
        url: request.url,
        remoteAddress: request.ip,
      },
      ...(request.correlationId ? { correlationId: request.correlationId } : {}),
      res: { statusCode: status },
      responseTime: Math.round(reply.elapsedTime),
    },
    'request completed',
  );
}
