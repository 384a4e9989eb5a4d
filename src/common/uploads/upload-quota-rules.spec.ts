import {
  quotaRemaining,
  retryAfterSeconds,
  UPLOAD_QUOTA_WINDOW_SECONDS,
  uploadQuotaReached,
} from './upload-quota-rules';

describe('quotaRemaining', () => {
  it('is the quota less what the window holds, never below zero', () => {
    expect(quotaRemaining(4096, 0)).toBe(4096);
    expect(quotaRemaining(4096, 4000)).toBe(96);
    expect(quotaRemaining(4096, 4096)).toBe(0);
    expect(quotaRemaining(4096, 9000)).toBe(0);
    expect(quotaRemaining(274877906944, 68719476736 * 3)).toBe(68719476736);
  });
});

describe('retryAfterSeconds', () => {
  it('rounds the time until the window frees up to whole seconds', () => {
    expect(retryAfterSeconds(86399.2)).toBe(86400);
    expect(retryAfterSeconds(12.0001)).toBe(13);
    expect(retryAfterSeconds(30)).toBe(30);
  });

  it('is at least a second, and at most the window (also when the moment is unknown)', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(-3)).toBe(1);
    expect(retryAfterSeconds(90_000)).toBe(UPLOAD_QUOTA_WINDOW_SECONDS);
    expect(retryAfterSeconds(null)).toBe(86400);
  });
});

describe('uploadQuotaReached', () => {
  it('is a 429 upload-quota-exceeded carrying Retry-After and the figures', () => {
    expect(uploadQuotaReached(4096, 4100, 86321)).toMatchObject({
      code: 'upload-quota-exceeded',
      status: 429,
      extensions: { quotaBytes: 4096, receivedBytes: 4100 },
      headers: { 'Retry-After': '86321' },
    });
  });
});
