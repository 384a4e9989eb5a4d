import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../errors/domain-error';

/** What a refused upload is told to wait: an upload in progress may last minutes. */
export const UPLOAD_RETRY_AFTER_SECONDS = 10;

/**
 * Counts the uploads (usage reports, catalogue imports) in progress in this process, each of
 * which holds a pooled connection while its body arrives: at most UPLOADS_PER_ORGANIZATION per
 * organization, and UPLOADS_PER_PROCESS in all, fewer than the pool, so the rest of the API
 * always has connections. Counted in memory, per process, on purpose: the pool it protects is
 * per process, a slot is given back in a `finally` whatever ends the upload, and a process that
 * dies takes its counts with it — nothing can leak a slot (a shared count in Redis would need
 * leases to survive a crashed process).
 */
@Injectable()
export class UploadSlots {
  private readonly byOrganization = new Map<string, number>();
  private total = 0;

  constructor(private readonly config: AppConfig) {}

  /** Takes a slot or refuses with 429; call the returned function to give it back (once). */
  take(organizationId: string): () => void {
    const perOrganization = this.config.get('UPLOADS_PER_ORGANIZATION');
    const held = this.byOrganization.get(organizationId) ?? 0;
    if (held >= perOrganization) {
      throw tooManyUploads(
        `Your organization has ${held} uploads in progress, the most it may have at once; send this one when one of them has finished`,
      );
    }
    if (this.total >= this.config.get('UPLOADS_PER_PROCESS')) {
      throw tooManyUploads('The service is receiving as many uploads as it takes at once');
    }
    this.byOrganization.set(organizationId, held + 1);
    this.total++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.total--;
      const left = (this.byOrganization.get(organizationId) ?? 1) - 1;
      if (left > 0) this.byOrganization.set(organizationId, left);
      else this.byOrganization.delete(organizationId);
    };
  }

  /** Uploads in progress: in all, or of one organization. */
  inProgress(organizationId?: string): number {
    return organizationId === undefined
      ? this.total
      : (this.byOrganization.get(organizationId) ?? 0);
  }
}

function tooManyUploads(detail: string): DomainError {
  return new DomainError(
    'too-many-uploads',
    429,
    detail,
    {},
    { 'Retry-After': String(UPLOAD_RETRY_AFTER_SECONDS) },
  );
}
