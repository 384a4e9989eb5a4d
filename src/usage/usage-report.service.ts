import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Hash } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ImportFormat, readCsv } from '../common/bulk/line-reader';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { isUuid, newId } from '../common/ids';
import { decodeCursor, pageOf } from '../common/pagination/page';
import { UploadBody } from '../common/uploads/upload-body';
import { queueUploadJob } from '../common/uploads/upload-job';
import { uploadQuotaExceeded } from '../common/uploads/upload-quota-rules';
import { UploadStore, UploadTransaction } from '../common/uploads/upload-store';
import { AppConfig } from '../config/app-config';
import { AuditService } from '../organizations/audit.service';
import { logQueueErrors } from '../queue/queue-errors';
import { ListUsageReportsQuery, UsageReportResponse } from './dto/usage-report.dto';
import { RepeatWatch } from './repeat-watch';
import { Lines, Received, stageLines, stageNdjson } from './stage-lines';
import { usageCsvHeaderProblem, usageCsvRecordToInput } from './usage-line';
import {
  PROCESS_REPORT_JOB,
  ProcessReportJob,
  REMATCH_JOB,
  USAGE_REPORT_QUEUE,
} from './usage-report.queue';
import {
  copyIntoStage,
  createStage,
  dropStage,
  INSERT_REPORT,
  LIST_REPORTS,
  REPORT_BY_ID,
  REPORT_BY_REPORT_ID,
} from './usage-report.queries';
import { toUsageReportResponse, UsageReportRow } from './usage-report-response';
import {
  drain,
  formatOf,
  Header,
  readUpload,
  refusePeriod,
  totalsMismatch,
} from './usage-report-upload';
import { stagingTable } from './usage-staging';

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
    private readonly uploads: UploadStore,
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
    return this.uploads.holdingSlot(actor.organizationId, () =>
      this.receiveReport(actor, format, body, query),
    );
  }

  private async receiveReport(
    actor: Principal,
    format: ImportFormat | 'json',
    body: unknown,
    query: Record<string, unknown>,
  ): Promise<{ status: number; report: UsageReportResponse }> {
    const upload = await readUpload(format, body, query);
    const { header, raw, jsonBytes, hash } = upload;
    refusePeriod(header);
    const read = (quotaBytes?: number): UploadBody | null =>
      raw &&
      this.uploads.body(raw, { maxBytes: this.config.get('USAGE_MAX_BYTES'), quotaBytes, hash });

    // A replay stores nothing: it is read for its hash, whatever the quota has left.
    const existing = await this.findByReportId(actor, header.reportId);
    if (existing) return this.replay(existing, await drain(read(), hash));
    if (header.supersedes) await this.refuseSupersession(actor, header);
    const remaining = await this.uploads.remaining(actor.organizationId);
    if (jsonBytes > remaining) throw uploadQuotaExceeded(remaining);
    const streamed = read(remaining);
    const lines =
      streamed && format === 'csv'
        ? readCsv(streamed, {
            headerProblem: usageCsvHeaderProblem,
            toInput: usageCsvRecordToInput,
          })
        : upload.lines;

    const id = newId();
    const stored: { contentHash?: Buffer } = {};
    try {
      await this.uploads.inTransaction((tx) =>
        this.store(tx, actor, id, { format, header, lines, streamed, jsonBytes, hash }, stored),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Another upload of this reportId committed first.
        const first = await this.findByReportId(actor, header.reportId);
        if (first && stored.contentHash) return this.replay(first, stored.contentHash);
      }
      throw error;
    }
    const outcome = (await this.read(this.dataSource.manager, actor, id))!;
    if (outcome.status === 'received') await this.enqueue(id);
    return { status: 202, report: toUsageReportResponse(outcome) };
  }

  /**
   * In the upload's transaction: the lines into the report's staging table as they stream in,
   * then the report (received, or rejected when its totals are not what it declared, its lines
   * dropped), its bytes counted against the quota, and its audit event.
   */
  private async store(
    tx: UploadTransaction,
    actor: Principal,
    id: string,
    upload: {
      format: ImportFormat | 'json';
      header: Header;
      lines: Lines;
      streamed: UploadBody | null;
      jsonBytes: number;
      hash: Hash;
    },
    stored: { contentHash?: Buffer },
  ): Promise<void> {
    const { format, header, lines, streamed, jsonBytes, hash } = upload;
    const stage = stagingTable(id);
    await tx.query(createStage(stage));
    const received: Received = {
      lines: 0n,
      units: 0n,
      invalid: 0n,
      lineIds: new RepeatWatch(Number(header.lineCount)),
      citing: 0n,
    };
    const staged =
      format === 'ndjson' && streamed
        ? stageNdjson(streamed, header, received)
        : stageLines(lines, header, received);
    await tx.copy(copyIntoStage(stage), staged);
    stored.contentHash = hash.digest();
    const rejection = totalsMismatch(header, received);
    await tx.query(INSERT_REPORT, [
      id,
      actor.organizationId,
      header.reportId,
      stored.contentHash,
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
      String(received.citing),
    ]);
    await tx.countBytes(actor.organizationId, streamed ? streamed.bytes : jsonBytes, {
      usageReportId: id,
    });
    if (rejection) await tx.query(dropStage(stage));
    await this.audit.record(tx.manager, actor, {
      action: 'usage-report.create',
      resourceId: id,
      resourceOrganizationId: actor.organizationId,
      details: {
        reportId: header.reportId,
        format,
        lines: String(received.lines),
        status: rejection ? 'rejected' : 'received',
      },
    });
  }

  /** The id makes a second add a no-op; failure is logged: recovery adds it again. */
  async enqueue(reportId: string): Promise<void> {
    await queueUploadJob(this.queue, PROCESS_REPORT_JOB, { reportId }, reportId, (error) =>
      this.logger.warn({ err: error, reportId }, 'could not queue the report; recovery will'),
    );
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
    const rows = await this.dataSource.query<UsageReportRow[]>(LIST_REPORTS, [
      actor.organizationId,
      before,
      query.status ?? null,
      limit + 1,
    ]);
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
    const [earlier] = await this.dataSource.query<UsageReportRow[]>(REPORT_BY_ID, [
      header.supersedes,
      actor.organizationId,
    ]);
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
    const [row] = await manager.query<UsageReportRow[]>(REPORT_BY_ID, [id, actor.organizationId]);
    return row;
  }

  private async findByReportId(
    actor: Principal,
    reportId: string,
  ): Promise<UsageReportRow | undefined> {
    const [row] = await this.dataSource.query<UsageReportRow[]>(REPORT_BY_REPORT_ID, [
      actor.organizationId,
      reportId,
    ]);
    return row;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}
