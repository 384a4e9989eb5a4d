import { STATUS_CODES } from 'node:http';

/** Problem `type` URIs are this base plus a stable code; docs/PROBLEMS.md lists the codes. */
export const PROBLEM_TYPE_BASE = 'https://rights-ledger.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<string, string> = {
  'validation-failed': 'Request validation failed',
  'malformed-json': 'Malformed JSON body',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'not-found': 'Resource not found',
  'route-not-found': 'Route not found',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  'rate-limited': 'Too many requests',
  'dependency-unavailable': 'A dependency is unavailable',
  'internal-error': 'Internal server error',
  'rsl-malformed': 'Malformed RSL document',
  'not-rsl': 'Not an RSL document',
};

/** Codes for statuses that reach us as plain HTTP errors (framework, Fastify). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'rate-limited',
  503: 'dependency-unavailable',
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal-error' : 'bad-request');
}

export function titleFor(code: string, status: number): string {
  return (
    TITLES[code] ??
    (code
      .split('-')
      .map((word, i) => (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word))
      .join(' ') ||
      STATUS_CODES[status] ||
      'Error')
  );
}

/**
 * The members RFC 9457 defines. An extension may not carry one of these names: `status` is the
 * HTTP status, never a resource's state (that is the `state` extension).
 */
export const RESERVED_PROBLEM_MEMBERS: readonly string[] = [
  'type',
  'title',
  'status',
  'detail',
  'instance',
];

export function problem(
  code: string,
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  // The reserved members come last, so no extension can override them.
  return {
    ...extensions,
    type: PROBLEM_TYPE_BASE + code,
    title: titleFor(code, status),
    status,
    detail,
  };
}
