import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { ImportFormat, readImport, streamedFormat } from '../../common/bulk/line-reader';
import { BadRequest, DomainError, ResourceNotFound } from '../../common/errors/domain-error';
import { decodeNumberCursor, encodeNumberCursor } from '../../common/pagination/number-cursor';
import { RequestValidationFailed } from '../../common/errors/validation-error';
import { isUuid, newId } from '../../common/ids';
import { decodeCursor, Page, pageOf } from '../../common/pagination/page';
import { queueUploadJob } from '../../common/uploads/upload-job';
import { UploadStore } from '../../common/uploads/upload-store';
import { isCalendarDate } from '../../common/validation/calendar-date';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../organizations/audit.service';
import { todayUtc } from '../../common/validation/calendar-date';
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
import {
  IMPORT_BY_ID,
  IMPORT_ERRORS,
  INSERT_IMPORT,
  LIST_IMPORTS,
  MARK_RECEIVED,
  STAGE_ROWS,
} from './catalogue-import.queries';
import { CATALOGUE_IMPORT_QUEUE, LOAD_IMPORT_JOB, LoadImportJob } from './catalogue-import.queue';
import { csvHeaderProblem, csvRecordToInput } from './import-record';
import { stageImportRows } from './stage-import-rows';

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
    private readonly uploads: UploadStore,
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
    return this.uploads.holdingSlot(actor.organizationId, () =>
      this.receive(actor, format, body, query),
    );
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
    const remaining = await this.uploads.remaining(actor.organizationId);
    const id = newId();
    await this.uploads.inTransaction(async (upload) => {
      await upload.query(INSERT_IMPORT, [
        id,
        actor.organizationId,
        actor.id,
        format,
        splitsEffectiveFrom,
      ]);
      const received = { lastLine: 0 };
      const source = this.uploads.body(body, {
        maxBytes: this.config.get('IMPORT_MAX_BYTES'),
        quotaBytes: remaining,
      });
      const lines = readImport(format, source, {
        headerProblem: csvHeaderProblem,
        toInput: csvRecordToInput,
      });
      await upload.copy(STAGE_ROWS, stageImportRows(id, lines, received));
      await upload.query(MARK_RECEIVED, [id, received.lastLine]);
      await upload.countBytes(actor.organizationId, source.bytes, { catalogueImportId: id });
      await this.audit.record(upload.manager, actor, {
        action: 'catalogue-import.create',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { format, linesRead: received.lastLine },
      });
    });
    await this.enqueue(id);
    return this.get(actor, id);
  }

  /** Adds the load job; the id makes a second add a no-op. Failure is logged: recovery re-adds. */
  async enqueue(importId: string): Promise<void> {
    await queueUploadJob(this.queue, LOAD_IMPORT_JOB, { importId }, importId, (error) =>
      this.logger.warn(
        { err: error, importId },
        'could not queue the import; it will be picked up again',
      ),
    );
  }

  /** The organization's imports, newest first. */
  async list(
    actor: Principal,
    query: ListCatalogueImportsQuery,
  ): Promise<Page<CatalogueImportResponse>> {
    const limit = query.limit ?? 50;
    const before = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.dataSource.query<ImportRow[]>(LIST_IMPORTS, [
      actor.organizationId,
      query.status ?? null,
      before,
      limit + 1,
    ]);
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
    const after = page.cursor ? decodeNumberCursor('l', 10, page.cursor) : 0;
    const rows = await this.dataSource.query<
      { line_no: number; external_id: string | null; reason: string }[]
    >(IMPORT_ERRORS, [id, after, limit + 1]);
    const data = rows.slice(0, limit).map((row) => ({
      lineNo: row.line_no,
      externalId: row.external_id,
      reason: row.reason,
    }));
    return {
      data,
      nextCursor:
        rows.length > limit ? encodeNumberCursor('l', data[data.length - 1].lineNo) : null,
    };
  }

  private async find(actor: Principal, id: string): Promise<ImportRow> {
    const [row] = isUuid(id)
      ? await this.dataSource.query<ImportRow[]>(IMPORT_BY_ID, [id, actor.organizationId])
      : [];
    if (!row) throw new ResourceNotFound('catalogue-import', id);
    return row;
  }
}
