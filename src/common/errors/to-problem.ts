import { HttpException, NotFoundException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { Problem, codeForStatus, problem } from './problem';

export interface ProblemResponse {
  status: number;
  body: Problem;
  headers: Record<string, string>;
  /** True when the cause is ours, not the caller's: log it in full, show only the request id. */
  unexpected: boolean;
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

export function toProblem(exception: unknown, requestId: string | undefined): ProblemResponse {
  const withId = (body: Problem): Problem => (requestId ? { ...body, requestId } : body);

  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: withId(
        problem(exception.code, exception.status, exception.detail, exception.extensions),
      ),
      headers: exception.headers,
      unexpected: false,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest answers unknown routes with a NotFoundException worded "Cannot GET /path".
    const isUnknownRoute =
      exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(exception.message);
    const code = isUnknownRoute ? 'route-not-found' : codeForStatus(status);
    return {
      status,
      body: withId(
        problem(code, status, status >= 500 ? 'Unexpected error' : httpExceptionDetail(exception)),
      ),
      headers: {},
      unexpected: status >= 500,
    };
  }
  if (isDatabaseBusy(exception)) {
    return {
      status: 503,
      body: withId(
        problem(
          'database-busy',
          503,
          `The database could not serve this request in time (every connection busy, or the statement ran too long); nothing was done, try again shortly`,
        ),
      ),
      headers: { 'Retry-After': '1' },
      // A statement cut by statement_timeout is worth a look (logged); a busy pool is load.
      unexpected: sqlState(exception) === STATEMENT_TIMEOUT,
    };
  }
  return {
    status: 500,
    body: withId(
      problem(
        'internal-error',
        500,
        `An unexpected error occurred; quote request id ${requestId ?? 'unknown'} when reporting it`,
      ),
    ),
    headers: {},
    unexpected: true,
  };
}

const STATEMENT_TIMEOUT = '57014';
const TOO_MANY_CONNECTIONS = '53300';

function sqlState(exception: unknown): string | undefined {
  const error = exception as { code?: unknown; driverError?: { code?: unknown } };
  const code = error?.driverError?.code ?? error?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The database could not serve the request in time: pg's pool gave up waiting for a free
 * connection (connectionTimeoutMillis, in either of its wordings), the server has no connection
 * to spare, or the statement ran past statement_timeout. Nothing was done; a retry may succeed.
 */
function isDatabaseBusy(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  if (
    exception.message === 'timeout exceeded when trying to connect' ||
    exception.message === 'Connection terminated due to connection timeout'
  )
    return true;
  const state = sqlState(exception);
  return state === STATEMENT_TIMEOUT || state === TOO_MANY_CONNECTIONS;
}
