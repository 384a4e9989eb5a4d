import type { components } from './schema';

export type ProblemDocument = components['schemas']['Problem'];

/**
 * A refused request, as the API described it (RFC 9457 problem+json): pages show its title,
 * detail and field errors in words, and its request id for support. Anything that is not a
 * problem document (a network failure, a proxy's HTML) becomes one with the status it had.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | null;
  readonly errors: { field: string; messages: string[] }[];
  readonly document: ProblemDocument | null;

  constructor(
    status: number,
    document: Partial<ProblemDocument> | null,
    requestId?: string | null,
  ) {
    const title =
      document?.title ?? (status === 0 ? 'The service cannot be reached' : `HTTP ${status}`);
    super(document?.detail ?? title);
    this.name = 'ApiProblem';
    this.status = status;
    this.type = document?.type ?? 'about:blank';
    this.title = title;
    this.detail =
      document?.detail ??
      (status === 0
        ? 'Check your connection and try again.'
        : 'The service answered without details.');
    this.requestId = document?.requestId ?? requestId ?? null;
    this.errors = (document?.errors ?? []).map((error) => ({
      field: error.field ?? '',
      messages: error.messages ?? [],
    }));
    this.document = (document as ProblemDocument | null) ?? null;
  }

  /** The problem's stable code: the last segment of its type (e.g. `four-eyes-required`). */
  get code(): string {
    return this.type.split('/').pop() ?? this.type;
  }

  /** The messages for one field (dotted path as the API names it), for a form to show beside it. */
  fieldMessages(field: string): string | undefined {
    const messages = this.errors
      .filter((error) => error.field === field)
      .flatMap((e) => e.messages);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
}

export function isProblem(error: unknown, code?: string): error is ApiProblem {
  return error instanceof ApiProblem && (code === undefined || error.code === code);
}
