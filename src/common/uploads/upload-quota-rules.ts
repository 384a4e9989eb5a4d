import { DomainError } from '../errors/domain-error';

/** The quota's window: UPLOAD_QUOTA_BYTES_PER_DAY counts the bytes stored in the last 24 hours. */
export const UPLOAD_QUOTA_WINDOW_SECONDS = 24 * 60 * 60;

/** What an organization may still upload: none once it has received its quota or more. */
export function quotaRemaining(quotaBytes: number, receivedBytes: number): number {
  return Math.max(0, quotaBytes - receivedBytes);
}

/**
 * Retry-After for a refused upload: the time until enough of the window has passed for an
 * upload to be taken again, rounded up to whole seconds, at least 1; at most the window, and the
 * window when that time is unknown.
 */
export function retryAfterSeconds(freesInSeconds: number | null): number {
  if (freesInSeconds === null || !Number.isFinite(freesInSeconds)) {
    return UPLOAD_QUOTA_WINDOW_SECONDS;
  }
  return Math.min(UPLOAD_QUOTA_WINDOW_SECONDS, Math.max(1, Math.ceil(freesInSeconds)));
}

/** 429: the organization has already received its quota; nothing of this upload is read. */
export function uploadQuotaReached(
  quotaBytes: number,
  receivedBytes: number,
  retryAfter: number,
): DomainError {
  return new DomainError(
    'upload-quota-exceeded',
    429,
    `Your organization has uploaded ${receivedBytes} bytes in the last 24 hours, its quota is ${quotaBytes}; send this upload in ${retryAfter} seconds`,
    { quotaBytes, receivedBytes },
    { 'Retry-After': String(retryAfter) },
  );
}

/** 413: this upload is larger than what the quota has left; nothing of it is kept. */
export function uploadQuotaExceeded(remainingBytes: number): DomainError {
  return new DomainError(
    'upload-quota-exceeded',
    413,
    `This upload is larger than the ${remainingBytes} bytes your organization's upload quota has left for the last 24 hours; nothing of it was kept`,
    { remainingBytes },
  );
}
