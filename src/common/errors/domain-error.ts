import { RESERVED_PROBLEM_MEMBERS } from './problem';

/**
 * An error a module throws on purpose: a stable code (the last segment of the problem `type`),
 * the HTTP status it answers with, and a sentence for the caller. Extensions become extra
 * members of the problem document (e.g. `errors`, `existingId`, `state`); they may not use a
 * member name RFC 9457 reserves (`type`, `title`, `status`, `detail`, `instance`) — a programming
 * error, thrown at once.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    const reserved = Object.keys(extensions).filter((key) =>
      RESERVED_PROBLEM_MEMBERS.includes(key),
    );
    if (reserved.length > 0) {
      throw new TypeError(
        `Problem ${code}: the extension ${reserved.join(', ')} is a member RFC 9457 reserves; name the resource's state \`state\``,
      );
    }
  }
}

export class ResourceNotFound extends DomainError {
  constructor(resourceType: string, id: string) {
    super('not-found', 404, `${resourceType} ${id} was not found`, {
      resourceType,
      resourceId: id,
    });
  }
}

export class Conflict extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, detail, extensions);
  }
}

export class BadRequest extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, 400, detail, extensions);
  }
}
