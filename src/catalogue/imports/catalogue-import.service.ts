import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { BadRequest, DomainError, ResourceNotFound } from '../../common/errors/domain-error';
import { RequestValidationFailed } from '../../common/errors/validation-error';
import { isUuid, newId } from '../../common/ids';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../organizations/audit.service';
import { todayUtc } from '../work-inputs';
import { isCalendarDate } from '../../common/validation/calendar-date';
import { uploadBody } from '../../common/uploads/upload-body';
import { UploadQuota } from '../../common/uploads/upload-quota';
import { UploadSlots } from '../../common/uploads/upload-slots';
import { decodeCursor, Page, pageOf } from '../../common/pagination/page';
import {
  CatalogueImportLimitsResponse,
  CatalogueImportResponse,
  ImportErrorsResponse,
  ImportRow,
  ListCatalogueImportsQuery,
  ListImportErrorsQuery,
  StartCatalogueImportQuery,
  toImportResponse,
} from './catalogue-import.dto';
import { CATALOGUE_IMPORT_QUEUE, LOAD_IMPORT_JOB, LoadImportJob } from './catalogue-import.queue';
import { arrayLiteral, copyLine } from '../../common/bulk/copy-text';
import {
  ImportFormat,
  ImportLine,
  readImport,
  streamedFormat,
} from '../../common/bulk/line-reader';
import { csvHeaderProblem, csvRecordToInput, validateWorkRecord } from './import-record';

const STAGE = `COPY catalogue_import_rows (import_id, line_no, reason, new_id, external_id, title, kind,
  language, published_at, metadata, identifiers, splits) FROM STDIN`;

/** Roughly 64 KiB of COPY text per write. */
const CHUNK = 64 * 1024;

export function importFormat(contentType: string | undefined): ImportFormat {
  const format = streamedFormat(contentType);
  if (format) return format;
  throw new DomainError(
    'unsupported-media-type',
    415,
    'Send the catalogue as application/x-ndjson (one work per line) or text/csv',
  );
}

/**
 * Receives a catalogue file: streams it, line by line, through validation into a staging table
 * (COPY, one transaction), answers with the import, and leaves the loading to a worker.
 */
@Injectable()
export class CatalogueImportService {
  private readonly logger = new Logger(CatalogueImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(CATALOGUE_IMPORT_QUEUE) private readonly queue: Queue<LoadImportJob>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly slots: UploadSlots,
    private readonly quota: UploadQuota,
  ) {}

  /**
   * The upload holds a pooled connection while its body arrives: it takes one of the
   * organization's upload slots first (429 when none is free) and gives it back however it ends.
   * Its bytes count against the organization's upload quota (UploadQuota) once it is stored.
   */
  async start(
    actor: Principal,
    contentType: string | undefined,
    body: unknown,
    query: StartCatalogueImportQuery,
  ): Promise<CatalogueImportResponse> {
    const format = importFormat(contentType);
    if (!(body instanceof Readable)) throw new BadRequest('empty-import', 'The import has no body');
    const release = this.slots.take(actor.organizationId);
    try {
      return await this.receive(actor, format, body, query);
    } finally {
      release();
    }
  }

  private async receive(
    actor: Principal,
    format: ImportFormat,
    body: Readable,
    query: StartCatalogueImportQuery,
  ): Promise<CatalogueImportResponse> {
    const splitsEffectiveFrom = query.splitsEffectiveFrom ?? todayUtc();
    if (!isCalendarDate(splitsEffectiveFrom)) {
      throw new RequestValidationFailed([
        {
          field: 'splitsEffectiveFrom',
          messages: ['splitsEffectiveFrom must be a date, YYYY-MM-DD'],
        },
      ]);
    }
    const remaining = await this.quota.remaining(actor.organizationId);
    const id = newId();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The COPY lasts as long as the body (UPLOAD_IDLE_TIMEOUT_MS bounds a stalled one).
      await runner.query(`SET LOCAL statement_timeout = 0`);
      await runner.query(
        `INSERT INTO catalogue_imports (id, organization_id, created_by_principal_id, format, status, splits_effective_from)
         VALUES ($1, $2, $3, $4, 'queued', $5)`,
        [id, actor.organizationId, actor.id, format, splitsEffectiveFrom],
      );
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const received = { lastLine: 0 };
      const source = uploadBody(body, {
        maxBytes: this.config.get('IMPORT_MAX_BYTES'),
        quotaBytes: remaining,
        idleTimeoutMs: this.config.get('UPLOAD_IDLE_TIMEOUT_MS'),
        minBytesPerSecond: this.config.get('UPLOAD_MIN_BYTES_PER_SECOND'),
      });
      await pipeline(
        Readable.from(
          stage(
            id,
            readImport(format, source, {
              headerProblem: csvHeaderProblem,
              toInput: csvRecordToInput,
            }),
            received,
          ),
        ),
        client.query(copyFrom(STAGE)),
      );
      await runner.query(
        `UPDATE catalogue_imports SET lines_read = $2, received_at = now() WHERE id = $1`,
        [id, received.lastLine],
      );
      await this.quota.record(runner.manager, actor.organizationId, source.bytes, {
        catalogueImportId: id,
      });
      await this.audit.record(runner.manager, actor, {
        action: 'catalogue-import.create',
        resourceType: 'catalogue-import',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { format, linesRead: received.lastLine },
      });
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    await this.enqueue(id);
    return this.get(actor, id);
  }

  /** Adds the load job; the id makes a second add a no-op. Failure is logged: recovery re-adds. */
  async enqueue(importId: string): Promise<void> {
    try {
      await this.queue.add(
        LOAD_IMPORT_JOB,
        { importId },
        {
          jobId: importId,
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      );
    } catch (error) {
      this.logger.warn(
        { err: error, importId },
        'could not queue the import; it will be picked up again',
      );
    }
  }

  /** catalogue_imports: the organization's imports, newest first (index catalogue_imports_organization). */
  async list(
    actor: Principal,
    query: ListCatalogueImportsQuery,
  ): Promise<Page<CatalogueImportResponse>> {
    const limit = query.limit ?? 50;
    const before = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.dataSource.query<ImportRow[]>(
      `SELECT * FROM catalogue_imports
        WHERE organization_id = $1
          AND ($2::text IS NULL OR status = $2)
          AND ($3::uuid IS NULL OR id < $3)
        ORDER BY id DESC
        LIMIT $4`,
      [actor.organizationId, query.status ?? null, before, limit + 1],
    );
    return pageOf(rows.slice(0, limit).map(toImportResponse), rows.length > limit);
  }

  limits(): CatalogueImportLimitsResponse {
    return {
      maxBytes: this.config.get('IMPORT_MAX_BYTES'),
      quotaBytesPerDay: this.config.get('UPLOAD_QUOTA_BYTES_PER_DAY'),
    };
  }

  async get(actor: Principal, id: string): Promise<CatalogueImportResponse> {
    return toImportResponse(await this.find(actor, id));
  }

  async errors(
    actor: Principal,
    id: string,
    page: ListImportErrorsQuery,
  ): Promise<ImportErrorsResponse> {
    await this.find(actor, id);
    const limit = page.limit ?? 50;
    const after = page.cursor ? decodeLineCursor(page.cursor) : 0;
    const rows = await this.dataSource.query<
      { line_no: number; external_id: string | null; reason: string }[]
    >(
      `SELECT line_no, external_id, reason FROM catalogue_import_errors
        WHERE import_id = $1 AND line_no > $2 ORDER BY line_no LIMIT $3`,
      [id, after, limit + 1],
    );
    const data = rows.slice(0, limit).map((row) => ({
      lineNo: row.line_no,
      externalId: row.external_id,
      reason: row.reason,
    }));
    return {
      data,
      nextCursor: rows.length > limit ? encodeLineCursor(data[data.length - 1].lineNo) : null,
    };
  }

  private async find(actor: Principal, id: string): Promise<ImportRow> {
    const [row] = isUuid(id)
      ? await this.dataSource.query<ImportRow[]>(
          `SELECT * FROM catalogue_imports WHERE id = $1 AND organization_id = $2`,
          [id, actor.organizationId],
        )
      : [];
    if (!row) throw new ResourceNotFound('catalogue-import', id);
    return row;
  }
}

/** Each line as a COPY row: valid lines with their data, rejected ones with the reason. */
async function* stage(
  importId: string,
  chunks: AsyncIterable<ImportLine[]>,
  received: { lastLine: number },
): AsyncGenerator<string> {
  let chunk = '';
  for await (const lines of chunks) {
    for (const line of lines) {
      if (line.lineNo > received.lastLine) received.lastLine = line.lineNo;
      const result =
        'parseError' in line
          ? { ok: false as const, reason: line.parseError, externalId: null }
          : validateWorkRecord(line.input);
      const lineNo = String(line.lineNo);
      if (result.ok) {
        const work = result.work;
        chunk += copyLine([
          importId,
          lineNo,
          null,
          newId(),
          work.externalId,
          work.title,
          work.kind,
          work.language,
          work.publishedAt,
          JSON.stringify(work.metadata),
          arrayLiteral(work.identifiers),
          work.splits ? JSON.stringify(work.splits) : null,
        ]);
      } else {
        const externalId =
          typeof result.externalId === 'string' ? result.externalId.slice(0, 200) : null;
        chunk += copyLine([
          importId,
          lineNo,
          result.reason,
          null,
          externalId,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ]);
      }
    }
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function encodeLineCursor(lineNo: number): string {
  return Buffer.from(`l${lineNo}`).toString('base64url');
}

function decodeLineCursor(cursor: string): number {
  const match = /^l(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  }
  return Number(match[1]);
}
