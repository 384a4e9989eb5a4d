import { redactUrl, scrubValue } from './redact';

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret-pass@redis.internal:6379/0', 'redis://:***@redis.internal:6379/0'],
    ['rediss://default:s3cret@redis.internal:6380', 'rediss://default:***@redis.internal:6380'],
    ['postgres://app:p%40ss@db/ledger', 'postgres://app:***@db/ledger'],
    ['redis://tokenonly@redis.internal:6379', 'redis://***@redis.internal:6379'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['not a url //user:pw@host', 'not a url //***@host'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('scrubValue', () => {
  it('replaces every occurrence of a value and of its URL password', () => {
    const url = 'redis://:p%40ssword-1@h:6379';
    expect(scrubValue(`at ${url}: WRONGPASS for p@ssword-1 and p%40ssword-1`, url)).toBe(
      'at [redacted]: WRONGPASS for *** and ***',
    );
  });

  it('leaves short values alone: they are not secrets and would garble the rule', () => {
    expect(scrubValue('"NODE_ENV" must be one of [development, test]', 'e')).toBe(
      '"NODE_ENV" must be one of [development, test]',
    );
  });
});
