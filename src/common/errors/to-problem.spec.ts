import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError } from './domain-error';
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
});
