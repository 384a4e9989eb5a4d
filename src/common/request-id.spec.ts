import { correlationIdFromHeaders, newRequestId } from './request-id';

describe('request ids', () => {
  it('are generated, whatever the caller sends', () => {
    expect(newRequestId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(newRequestId()).not.toBe(newRequestId());
  });
});

describe('correlationIdFromHeaders', () => {
  it.each([
    [{ 'x-correlation-id': 'trace-42.a' }, 'trace-42.a'],
    [{ 'x-request-id': 'their:id_1' }, 'their:id_1'],
    [{ 'x-correlation-id': 'mine', 'x-request-id': 'other' }, 'mine'],
    [{ 'x-correlation-id': ['first', 'second'] }, 'first'],
    [{ 'x-correlation-id': 'no spaces<>' }, null],
    [{ 'x-correlation-id': 'bad value', 'x-request-id': 'good' }, null],
    [{ 'x-request-id': 'x'.repeat(129) }, null],
    [{ 'x-request-id': 'a\u0000b' }, null],
    [{ 'x-request-id': '' }, null],
    [{}, null],
  ])('%j → %j', (headers, expected) => {
    expect(correlationIdFromHeaders(headers)).toBe(expected);
  });
});
