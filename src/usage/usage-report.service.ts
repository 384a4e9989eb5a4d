import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { logQueueErrors } from '../queue/queue-errors';
import { createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { isCalendarDate } from '../common/validation/calendar-date';
import { Principal } from '../common/auth/principal';
import { decodeCursor, pageOf } from '../common/pagination/page';
import { UploadBody, uploadBody } from '../common/uploads/upload-body';
import { UploadQuota } from '../common/uploads/upload-quota';
import { uploadQuotaExceeded } from '../common/uploads/upload-quota-rules';
import { UploadSlots } from '../common/uploads/upload-slots';
import { RepeatWatch } from './repeat-watch';
import { Lines, Received, stageLines, stageNdjson } from './stage-lines';
import { ImportFormat, ImportLine, readCsv, streamedFormat } from '../common/bulk/line-reader';
import { BadRequest, Conflict, DomainError, ResourceNotFound } from '../common/errors/domain-error';
import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import { canonicalJson } from '../common/idempotency/idempotency';
import { isUuid, newId } from '../common/ids';
import { validateInput } from '../common/validation/validate-input';
import { AppConfig } from '../config/app-config';
import { AuditService } from '../organizations/audit.service';
import {
  CreateUsageReportDto,
  ListUsageReportsQuery,
  UsageReportHeaderQuery,
  UsageReportResponse,
} from './dto/usage-report.dto';
import {
  PROCESS_REPORT_JOB,
  ProcessReportJob,
  REMATCH_JOB,
  USAGE_REPORT_QUEUE,
} from './usage-report.queue';
import { toUsageReportResponse, UsageReportRow } from './usage-report-response';
import { usageCsvHeaderProblem, usageCsvRecordToInput } from './usage-line';
import { STAGING_COLUMNS, STAGING_COPY_COLUMNS, stagingTable } from './usage-staging';

interface Header {
  reportId: string;
  periodStart: string;
  periodEnd: string;
  currency: string | null;
  supersedes: string | null;
  lineCount: string;
  units: string;
}

function formatOf(contentType: string | undefined): ImportFormat | 'json' {
  if ((contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json') return 'json';
  const streamed = streamedFormat(contentType);
  if (streamed) return streamed;
  throw new DomainError(
    'unsupported-media-type',
    415,
    'Send a usage report as application/json, application/x-ndjson (a line per usage line) or text/csv',
  );
}

/**
 * Receives usage reports: validates every line as it streams in, stages the lines (COPY, one
 * transaction with the report row, so a cut-off upload leaves nothing), checks the declared
 * totals, and leaves matching to a worker. The licensee's reportId is its idempotency key.
 */
@Injectable()
export class UsageReportService {
  private readonly logger = new Logger(UsageReportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(USAGE_REPORT_QUEUE) private readonly queue: Queue<ProcessReportJob>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly slots: UploadSlots,
    private readonly quota: UploadQuota,
  ) {
    logQueueErrors(queue);
  }

  /**
   * A streamed report holds a pooled connection while its body arrives: it takes one of the
   * organization's upload slots first (429 when none is free) and gives it back however it ends.
   * A JSON report is read whole (BODY_LIMIT_BYTES) before the route runs: it needs no slot.
   * Either counts against the organization's upload quota (UploadQuota) once it is stored.
   */
  async receive(
    actor: Principal,
    contentType: string | undefined,
    body: unknown,
    query: Record<string, unknown>,
  ): Promise<{ status: number; report: UsageReportResponse }> {
    const format = formatOf(contentType);
    if (format === 'json') return this.receiveReport(actor, format, body, query);
    const release = this.slots.take(actor.organizationId);
    try {
      return await this.receiveReport(actor, format, body, query);
    } finally {
      release();
    }
  }

  private async receiveReport(
    actor: Principal,
    format: ImportFormat | 'json',
    body: unknown,
    query: Record<string, unknown>,
  ): Promise<{ status: number; report: UsageReportResponse }> {
    let header: Header;
    let lines: Lines = [];
    let raw: Readable | null = null;
    /** A JSON report's size for the quota: its canonical JSON (hashed anyway), in bytes. */
    let jsonBytes = 0;
    const hash = createHash('sha256').update(`${format}\n`);
    if (format === 'json') {
      if (Object.keys(query).length) {
        throw new BadRequest('unexpected-query', 'A JSON report carries its header in the body');
      }
      const dto = await validateInput(CreateUsageReportDto, body);
      header = {
        reportId: dto.reportId,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        currency: dto.currency ?? null,
        supersedes: dto.supersedes?.toLowerCase() ?? null,
        lineCount: dto.totals.lineCount,
        units: dto.totals.units,
      };
      const canonical = canonicalJson(body);
      hash.update(canonical);
      jsonBytes = Buffer.byteLength(canonical);
      lines = jsonLines(dto.lines);
    } else {
      if (!(body instanceof Readable))
        throw new BadRequest('empty-report', 'The report has no body');
      const dto = await validateInput(UsageReportHeaderQuery, query);
      header = {
        reportId: dto.reportId,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        currency: dto.currency ?? null,
        supersedes: dto.supersedes?.toLowerCase() ?? null,
        lineCount: dto.lineCount,
        units: dto.units,
      };
      hash.update(canonicalJson(header)).update('\n');
      raw = body;
    }
    refusePeriod(header);
    const read = (quotaBytes?: number): UploadBody | null =>
      raw &&
      uploadBody(raw, {
        maxBytes: this.config.get('USAGE_MAX_BYTES'),
        quotaBytes,
        idleTimeoutMs: this.config.get('UPLOAD_IDLE_TIMEOUT_MS'),
        minBytesPerSecond: this.config.get('UPLOAD_MIN_BYTES_PER_SECOND'),
        hash,
      });

    // A replay stores nothing: it is read for its hash, whatever the quota has left.
    const existing = await this.findByReportId(actor, header.reportId);
    if (existing) return this.replay(existing, await drain(read(), hash));
    if (header.supersedes) await this.refuseSupersession(actor, header);
    const remaining = await this.quota.remaining(actor.organizationId);
    if (jsonBytes > remaining) throw uploadQuotaExceeded(remaining);
    const streamed = read(remaining);
    if (streamed && format === 'csv') {
      lines = readCsv(streamed, {
        headerProblem: usageCsvHeaderProblem,
        toInput: usageCsvRecordToInput,
      });
    }

    const id = newId();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let outcome: UsageReportRow;
    let contentHash: Buffer | null = null;
    try {
      await runner.startTransaction();
      // The COPY lasts as long as the body (UPLOAD_IDLE_TIMEOUT_MS bounds a stalled one).
      await runner.query(`SET LOCAL statement_timeout = 0`);
      const stage = stagingTable(id);
      await runner.query(`CREATE TABLE ${stage} (${STAGING_COLUMNS})`);
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const received: Received = {
        lines: 0n,
        units: 0n,
        invalid: 0n,
        lineIds: new RepeatWatch(Number(header.lineCount)),
      };
      const staged =
        format === 'ndjson' && streamed
          ? stageNdjson(streamed, header, received)
          : stageLines(lines, header, received);
      await pipeline(
        Readable.from(staged),
        client.query(copyFrom(`COPY ${stage} (${STAGING_COPY_COLUMNS}) FROM STDIN`)),
      );
      contentHash = hash.digest();
      const mismatch =
        received.lines !== BigInt(header.lineCount) || received.units !== BigInt(header.units);
      const rejection = mismatch
        ? {
            code: 'totals-mismatch',
            detail: `Declared ${header.lineCount} lines and ${header.units} units; received ${received.lines} lines and ${received.units} units`,
            declared: { lineCount: header.lineCount, units: header.units },
            received: { lineCount: String(received.lines), units: String(received.units) },
          }
        : null;
      await runner.query(
        `INSERT INTO usage_reports (id, licensee_id, report_id, content_hash, format, period_start,
                period_end, currency, supersedes_id, status, declared_line_count, declared_units,
                lines_received, units_received, lines_invalid, rejection, processed_at,
                created_by_principal_id, repeat_suspects)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 CASE WHEN $10 = 'rejected' THEN now() END, $17, $18)`,
        [
          id,
          actor.organizationId,
          header.reportId,
          contentHash,
          format,
          header.periodStart,
          header.periodEnd,
          header.currency,
          header.supersedes,
          rejection ? 'rejected' : 'received',
          header.lineCount,
          header.units,
          String(received.lines),
          String(received.units),
          rejection ? String(received.invalid) : '0',
          rejection ? JSON.stringify(rejection) : null,
          actor.id,
          received.lineIds.suspected(),
        ],
      );
      await this.quota.record(
        runner.manager,
        actor.organizationId,
        streamed ? streamed.bytes : jsonBytes,
        { usageReportId: id },
      );
      if (rejection) await runner.query(`DROP TABLE ${stage}`);
      await this.audit.record(runner.manager, actor, {
        action: 'usage-report.create',
        resourceType: 'usage-report',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: {
          reportId: header.reportId,
          format,
          lines: String(received.lines),
          status: rejection ? 'rejected' : 'received',
        },
      });
      await runner.commitTransaction();
      outcome = (await this.read(this.dataSource.manager, actor, id))!;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      if (isUniqueViolation(error)) {
        // Another upload of this reportId committed first.
        const first = await this.findByReportId(actor, header.reportId);
        if (first && contentHash) return this.replay(first, contentHash);
      }
      throw error;
    } finally {
      await runner.release();
    }
    if (outcome.status === 'received') await this.enqueue(id);
    return { status: 202, report: toUsageReportResponse(outcome) };
  }

  /** The id makes a second add a no-op; failure is logged: recovery adds it again. */
  async enqueue(reportId: string): Promise<void> {
    try {
      await this.queue.add(
        PROCESS_REPORT_JOB,
        { reportId },
        {
          jobId: reportId,
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      );
    } catch (error) {
      this.logger.warn({ err: error, reportId }, 'could not queue the report; recovery will');
    }
  }

  /** A re-match of suspended lines; triggers within the same five seconds share one job. */
  async enqueueRematch(): Promise<void> {
    try {
      await this.queue.add(
        REMATCH_JOB,
        { reportId: '' },
        {
          jobId: `rematch-${Math.floor(Date.now() / 5000)}`,
          attempts: 3,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: true,
          removeOnFail: 100,
        },
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'could not queue a re-match; the next sweep will');
    }
  }

  /** The licensee's reports, newest first. */
  async list(
    actor: Principal,
    query: ListUsageReportsQuery,
  ): Promise<{ data: UsageReportResponse[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const before = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.dataSource.query<UsageReportRow[]>(
      `SELECT * FROM usage_reports
        WHERE licensee_id = $1 AND ($2::uuid IS NULL OR id < $2) AND ($3::text IS NULL OR status = $3)
        ORDER BY id DESC LIMIT $4`,
      [actor.organizationId, before, query.status ?? null, limit + 1],
    );
    const data = rows.slice(0, limit).map(toUsageReportResponse);
    return pageOf(data, rows.length > limit);
  }

  async get(actor: Principal, id: string): Promise<UsageReportResponse> {
    const row = await this.read(this.dataSource.manager, actor, id);
    if (!row) throw new ResourceNotFound('usage-report', id);
    return toUsageReportResponse(row);
  }

  private replay(
    first: UsageReportRow,
    contentHash: Buffer,
  ): { status: number; report: UsageReportResponse } {
    if (!first.content_hash.equals(contentHash)) {
      throw new Conflict(
        'report-id-reused',
        `Report ${first.report_id} was already received with other content; send a correction as a new report that supersedes it`,
        { existingId: first.id },
      );
    }
    return { status: 202, report: toUsageReportResponse(first) };
  }

  private async refuseSupersession(actor: Principal, header: Header): Promise<void> {
    const [earlier] = await this.dataSource.query<UsageReportRow[]>(
      `SELECT * FROM usage_reports WHERE id = $1 AND licensee_id = $2`,
      [header.supersedes, actor.organizationId],
    );
    if (!earlier) throw new ResourceNotFound('usage-report', header.supersedes!);
    if (earlier.status !== 'accepted' || earlier.superseded_by_id) {
      throw new Conflict(
        'not-supersedable',
        `Report ${earlier.id} is ${earlier.superseded_by_id ? 'already superseded' : earlier.status}; only a counting report can be superseded`,
        { state: earlier.status, supersededBy: earlier.superseded_by_id },
      );
    }
    if (earlier.period_start !== header.periodStart || earlier.period_end !== header.periodEnd) {
      throw new RequestValidationFailed([
        {
          field: 'supersedes',
          messages: [
            `a correction covers the same period as the report it supersedes (${earlier.period_start} to ${earlier.period_end})`,
          ],
        },
      ]);
    }
  }

  async read(
    manager: EntityManager,
    actor: Principal,
    id: string,
  ): Promise<UsageReportRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await manager.query<UsageReportRow[]>(
      `SELECT * FROM usage_reports WHERE id = $1 AND licensee_id = $2`,
      [id, actor.organizationId],
    );
    return row;
  }

  private async findByReportId(
    actor: Principal,
    reportId: string,
  ): Promise<UsageReportRow | undefined> {
    const [row] = await this.dataSource.query<UsageReportRow[]>(
      `SELECT * FROM usage_reports WHERE licensee_id = $1 AND report_id = $2`,
      [actor.organizationId, reportId],
    );
    return row;
  }
}

function refusePeriod(header: Header): void {
  const errors: FieldError[] = [];
  for (const field of ['periodStart', 'periodEnd'] as const) {
    if (!isCalendarDate(header[field])) {
      errors.push({ field, messages: [`${field} is not a calendar date`] });
    }
  }
  if (!errors.length && header.periodEnd < header.periodStart) {
    errors.push({ field: 'periodEnd', messages: ['periodEnd is before periodStart'] });
  }
  if (errors.length) throw new RequestValidationFailed(errors);
}

function* jsonLines(lines: unknown[]): Generator<ImportLine[]> {
  yield lines.map((input, index) => ({ lineNo: index + 1, input }));
}

/**
 * Reads a replayed upload to its end, for its content hash: the bytes only (the stream hashes
 * them as they pass), not parsed — the same content as the first upload was read then, and
 * other content is refused as a reused reportId whatever it holds.
 */
async function drain(streamed: Readable | null, hash: Hash): Promise<Buffer> {
  if (streamed) for await (const chunk of streamed) void chunk;
  return hash.digest();
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}
