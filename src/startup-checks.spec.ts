import { redisUnreachableMessage } from './startup-checks';

describe('redisUnreachableMessage', () => {
  it('names the server but never the password of REDIS_URL', () => {
    const url = 'redis://default:hunter2-secret@redis.internal:6379/0';
    const message = redisUnreachableMessage(
      url,
      new Error(`WRONGPASS connecting to ${url} with hunter2-secret`),
    );
    expect(message).toContain('redis://default:***@redis.internal:6379/0');
    expect(message).not.toContain('hunter2-secret');
  });
});
