import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { Conflict, DomainError } from './domain-error';
import { problem } from './problem';
import { toProblem } from './to-problem';

describe('toProblem', () => {
  it('keeps a domain error code, status, detail, extensions and headers', () => {
    const result = toProblem(
      new DomainError('rate-limited', 429, 'slow down', { limit: 3 }, { 'Retry-After': '7' }),
      'req-1',
    );
    expect(result).toEqual({
      status: 429,
      headers: { 'Retry-After': '7' },
      unexpected: false,
      body: {
        type: 'https://rights-ledger.dev/problems/rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: 'slow down',
        limit: 3,
        requestId: 'req-1',
      },
    });
  });

  it('maps framework HTTP errors by status', () => {
    expect(
      toProblem(new PayloadTooLargeException('Request body is too large'), 'r').body,
    ).toMatchObject({
      type: 'https://rights-ledger.dev/problems/payload-too-large',
      status: 413,
      detail: 'Request body is too large',
    });
    expect(toProblem(new BadRequestException(['a is bad', 'b is bad']), 'r').body.detail).toBe(
      'a is bad; b is bad',
    );
  });

  it('answers 503 database-busy when no pooled connection came free in time', () => {
    const result = toProblem(new Error('timeout exceeded when trying to connect'), 'r');
    expect(result).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
      unexpected: false,
      body: { type: 'https://rights-ledger.dev/problems/database-busy', status: 503 },
    });
  });

  it("answers 503 database-busy for the pool's other timeout wording, a full server and a statement timeout", () => {
    const withCode = (code: string) => Object.assign(new Error('db'), { code });
    const wrapped = (code: string) =>
      Object.assign(new Error('query failed'), { driverError: { code } });
    for (const error of [
      new Error('Connection terminated due to connection timeout'),
      withCode('53300'),
      wrapped('57014'),
    ]) {
      expect(toProblem(error, 'r')).toMatchObject({
        status: 503,
        headers: { 'Retry-After': '1' },
        body: { type: 'https://rights-ledger.dev/problems/database-busy', status: 503 },
      });
    }
    // A statement cut by its timeout is logged; the other causes are load.
    expect(toProblem(wrapped('57014'), 'r').unexpected).toBe(true);
    expect(toProblem(withCode('53300'), 'r').unexpected).toBe(false);
    // Other database errors stay ours: 500.
    expect(toProblem(withCode('23505'), 'r').status).toBe(500);
  });

  it('tells an unknown route from a missing resource', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'), 'r').body.type).toBe(
      'https://rights-ledger.dev/problems/route-not-found',
    );
    expect(toProblem(new NotFoundException('gone'), 'r').body.type).toBe(
      'https://rights-ledger.dev/problems/not-found',
    );
  });

  it('hides the detail of an unexpected error behind the request id', () => {
    const result = toProblem(new Error('connection string postgres://secret@db'), 'req-9');
    expect(result.unexpected).toBe(true);
    expect(result.status).toBe(500);
    expect(JSON.stringify(result.body)).not.toContain('secret');
    expect(result.body.detail).toBe(
      'An unexpected error occurred; quote request id req-9 when reporting it',
    );
  });

  it("answers a conflict with the HTTP status in `status` and the resource's state in `state`", () => {
    const body = toProblem(
      new Conflict('invalid-transition', 'Agreement a is expired', { state: 'expired' }),
      'r',
    ).body;
    expect(body.status).toBe(409);
    expect(body.state).toBe('expired');
  });
});

describe('problem: the members RFC 9457 reserves', () => {
  it('cannot be overridden by an extension', () => {
    expect(
      problem('invalid-transition', 409, 'Run r is posted', {
        type: 'about:blank',
        title: 'Active',
        status: 'active',
        detail: 'overridden',
        state: 'posted',
      }),
    ).toEqual({
      type: 'https://rights-ledger.dev/problems/invalid-transition',
      title: 'Invalid transition',
      status: 409,
      detail: 'Run r is posted',
      state: 'posted',
    });
  });
});

describe('DomainError: an extension named like a reserved member', () => {
  it.each(['type', 'title', 'status', 'detail', 'instance'])(
    'is a programming error (%s)',
    (name) => {
      expect(() => new Conflict('invalid-transition', 'x', { [name]: 'active' })).toThrow(
        /reserves/,
      );
      expect(() => new DomainError('payout-run-finished', 409, 'x', { [name]: 'active' })).toThrow(
        TypeError,
      );
    },
  );

  it('is not raised by ordinary extensions', () => {
    expect(
      () => new Conflict('invalid-transition', 'x', { state: 'active', statusCode: 1 }),
    ).not.toThrow();
  });
});
