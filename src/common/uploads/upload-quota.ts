import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import {
  quotaRemaining,
  retryAfterSeconds,
  UPLOAD_QUOTA_WINDOW_SECONDS,
  uploadQuotaReached,
} from './upload-quota-rules';

const WINDOW = `interval '${UPLOAD_QUOTA_WINDOW_SECONDS} seconds'`;

/** upload_bytes: the organization's bytes in the window (index upload_bytes_by_organization). */
const RECEIVED = `
  SELECT coalesce(sum(bytes), 0)::text AS received
    FROM upload_bytes
   WHERE organization_id = $1 AND received_at > now() - ${WINDOW}`;

/**
 * upload_bytes: seconds until the window holds less than the quota ($2). Walking the uploads
 * newest first, the first whose bytes with every newer one's reach the quota is the one that
 * must leave the window; read only when an upload is refused.
 */
const FREES_IN = `
  SELECT extract(epoch FROM received_at + ${WINDOW} - now())::float8 AS frees_in
    FROM (SELECT received_at,
                 sum(bytes) OVER (ORDER BY received_at DESC ROWS UNBOUNDED PRECEDING) AS this_and_newer
            FROM upload_bytes
           WHERE organization_id = $1 AND received_at > now() - ${WINDOW}) recent
   WHERE this_and_newer >= $2::bigint
   ORDER BY received_at DESC
   LIMIT 1`;

/** upload_bytes: one row per stored upload, timed when its last byte arrived. */
const RECORD = `
  INSERT INTO upload_bytes (organization_id, received_at, bytes, usage_report_id, catalogue_import_id)
  VALUES ($1, clock_timestamp(), $2, $3, $4)`;

export type StoredUpload = { usageReportId: string } | { catalogueImportId: string };

/**
 * The storage quota per organization: UPLOAD_QUOTA_BYTES_PER_DAY bytes of uploads (usage reports
 * and catalogue imports together) in any 24 hours. Checked before an upload is read, and its
 * remainder made the upload's byte limit; the bytes are recorded in the transaction that stores
 * the upload, so a refused or rolled-back upload counts nothing. Uploads of one organization
 * in progress at once each see the same remainder: together they may pass the quota by at most
 * what they hold in flight (UPLOADS_PER_ORGANIZATION of them per api process).
 */
@Injectable()
export class UploadQuota {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The bytes the organization may still upload; 429 with Retry-After when none. */
  async remaining(organizationId: string): Promise<number> {
    const quota = this.config.get('UPLOAD_QUOTA_BYTES_PER_DAY');
    const [{ received }] = await this.dataSource.query<{ received: string }[]>(RECEIVED, [
      organizationId,
    ]);
    const left = quotaRemaining(quota, Number(received));
    if (left > 0) return left;
    const [frees] = await this.dataSource.query<{ frees_in: number }[]>(FREES_IN, [
      organizationId,
      String(quota),
    ]);
    throw uploadQuotaReached(quota, Number(received), retryAfterSeconds(frees?.frees_in ?? null));
  }

  /** Records a stored upload's bytes, in the transaction that stores it. */
  async record(
    manager: EntityManager,
    organizationId: string,
    bytes: number,
    upload: StoredUpload,
  ): Promise<void> {
    await manager.query(RECORD, [
      organizationId,
      bytes,
      'usageReportId' in upload ? upload.usageReportId : null,
      'catalogueImportId' in upload ? upload.catalogueImportId : null,
    ]);
  }
}
