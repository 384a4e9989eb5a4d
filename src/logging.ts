import { IncomingMessage } from 'node:http';
import { Params } from 'nestjs-pino';
import { Environment } from './config/environment';
import { correlationIdFromHeaders, newRequestId } from './common/request-id';

/** JSON lines on stdout; every line logged while serving a request carries its id (`reqId`). */
export function loggerOptions(env: Environment): Params {
  return {
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
