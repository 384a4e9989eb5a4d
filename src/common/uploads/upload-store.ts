import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { UploadBody, uploadBody } from './upload-body';
import { StoredUpload, UploadQuota } from './upload-quota';
import { UploadSlots } from './upload-slots';

/**
 * The path every upload takes (usage reports, catalogue imports), each module saying what it
 * stores: a slot while the body arrives, the body read under the route's maximum and what the
 * organization's quota has left, and one transaction, on one pooled connection, that streams
 * the body into the database (COPY), writes the upload's record and counts its bytes against
 * the quota — so a cut-off or refused upload leaves nothing and counts nothing.
 */
@Injectable()
export class UploadStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly slots: UploadSlots,
    private readonly quota: UploadQuota,
  ) {}

  /**
   * A streamed upload holds a pooled connection while its body arrives: it takes one of the
   * organization's upload slots first (429 when none is free) and gives it back however it ends.
   */
  async holdingSlot<T>(organizationId: string, receive: () => Promise<T>): Promise<T> {
    const release = this.slots.take(organizationId);
    try {
      return await receive();
    } finally {
      release();
    }
  }

  /** The bytes the organization may still upload (UploadQuota); 429 with Retry-After when none. */
  remaining(organizationId: string): Promise<number> {
    return this.quota.remaining(organizationId);
  }

  /**
   * The body as the route reads it (uploadBody): at most `maxBytes` (the route's setting) and
   * `quotaBytes` (what the quota has left), under the idle and minimum-rate limits of every upload.
   */
  body(raw: Readable, limits: { maxBytes: number; quotaBytes?: number; hash?: Hash }): UploadBody {
    return uploadBody(raw, {
      maxBytes: limits.maxBytes,
      quotaBytes: limits.quotaBytes,
      idleTimeoutMs: this.config.get('UPLOAD_IDLE_TIMEOUT_MS'),
      minBytesPerSecond: this.config.get('UPLOAD_MIN_BYTES_PER_SECOND'),
      hash: limits.hash,
    });
  }

  /**
   * Runs `store` in the upload's transaction and commits; rolls back whatever fails, and gives
   * the connection back either way.
   */
  async inTransaction<T>(store: (upload: UploadTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The COPY lasts as long as the body (UPLOAD_IDLE_TIMEOUT_MS bounds a stalled one).
      await runner.query(`SET LOCAL statement_timeout = 0`);
      const stored = await store(new UploadTransaction(runner, this.quota));
      await runner.commitTransaction();
      return stored;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/** An upload's transaction, as the module storing the upload writes in it. */
export class UploadTransaction {
  constructor(
    private readonly runner: QueryRunner,
    private readonly quota: UploadQuota,
  ) {}

  get manager(): EntityManager {
    return this.runner.manager;
  }

  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.runner.query(sql, parameters) as Promise<T>;
  }

  /** `COPY … FROM STDIN`, fed the rows (COPY text) as they are made from the body. */
  async copy(
    copySql: string,
    rows: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
  ): Promise<void> {
    const client = (this.runner as unknown as { databaseConnection: PoolClient })
      .databaseConnection;
    await pipeline(Readable.from(rows), client.query(copyFrom(copySql)));
  }

  /** Counts the stored upload's bytes against its organization's quota. */
  async countBytes(organizationId: string, bytes: number, upload: StoredUpload): Promise<void> {
    await this.quota.record(this.runner.manager, organizationId, bytes, upload);
  }
}
