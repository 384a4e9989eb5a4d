import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import {
  decodeNumberCursor,
  encodeNumberCursor,
  invalidCursor,
} from '../common/pagination/number-cursor';
import {
  ListUsageIssuesQuery,
  PublisherUsageQuery,
  PublisherUsageResponse,
  UsageIssueResponse,
  UsageIssuesResponse,
} from './dto/usage-report.dto';
import { periodMonth } from './usage-staging';
import { ISSUES_PAGE, publisherUsageSql } from './usage-issues.queries';
import { UsageReportService } from './usage-report.service';

const CSV_BATCH = 5000;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Reads of matched usage: a report's issues (licensee) and usage of one's works (publisher). */
@Injectable()
export class UsageIssuesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: UsageReportService,
  ) {}

  async issues(
    actor: Principal,
    id: string,
    query: ListUsageIssuesQuery,
  ): Promise<UsageIssuesResponse> {
    const report = await this.reports.read(this.dataSource.manager, actor, id);
    if (!report) throw new ResourceNotFound('usage-report', id);
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeNumberCursor('n', 19, query.cursor) : 0;
    const data = await this.page(
      report.id,
      periodMonth(report.period_start),
      after,
      limit + 1,
      query.status ?? null,
    );
    const page = data.slice(0, limit);
    return {
      data: page,
      nextCursor:
        data.length > limit ? encodeNumberCursor('n', page[page.length - 1].lineNo) : null,
    };
  }

  /** Every issue as CSV, read in batches so a report of millions never sits in memory. */
  async issuesCsv(actor: Principal, id: string): Promise<AsyncGenerator<string>> {
    const report = await this.reports.read(this.dataSource.manager, actor, id);
    if (!report) throw new ResourceNotFound('usage-report', id);
    return this.csvRows(report.id, periodMonth(report.period_start));
  }

  private async *csvRows(reportId: string, month: string): AsyncGenerator<string> {
    yield 'lineNo,lineId,status,reason,workRef,usage,units,receiptId\n';
    let after = 0;
    for (;;) {
      const rows = await this.page(reportId, month, after, CSV_BATCH);
      let text = '';
      for (const row of rows) {
        text += `${[row.lineNo, row.lineId, row.status, row.reason, row.workRef, row.usage, row.units, row.receiptId].map(csvCell).join(',')}\n`;
      }
      if (text) yield text;
      if (rows.length < CSV_BATCH) return;
      after = rows[rows.length - 1].lineNo;
    }
  }

  private async page(
    reportId: string,
    month: string,
    after: number,
    limit: number,
    status: string | null = null,
  ): Promise<UsageIssueResponse[]> {
    const rows = await this.dataSource.query<
      {
        line_no: string;
        line_id: string | null;
        status: string;
        reason: string;
        work_ref: string | null;
        usage: string | null;
        units: string | null;
        receipt_id: string | null;
      }[]
    >(ISSUES_PAGE, [month, reportId, after, limit, status]);
    return rows.map((row) => ({
      lineNo: Number(row.line_no),
      lineId: row.line_id,
      status: row.status,
      reason: row.reason,
      workRef: row.work_ref,
      usage: row.usage,
      units: row.units,
      receiptId: row.receipt_id,
    }));
  }

  /**
   * A publisher's works' usage from the reports that count now (accepted, not superseded), by
   * work, usage type, unit, licensee and outcome: matched, or out-of-scope (unlicensed use).
   */
  async publisherUsage(
    actor: Principal,
    query: PublisherUsageQuery,
  ): Promise<PublisherUsageResponse> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [actor.organizationId, limit + 1];
    const where: string[] = [];
    const filters: [string | undefined, string][] = [
      [query.workId, 'a.work_id'],
      [query.usage, 'a.usage'],
      [query.licenseeId, 'a.licensee_id'],
      [query.status, 'a.status'],
    ];
    for (const [value, column] of filters) {
      if (!value) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    if (query.period) {
      params.push(`${query.period}-01`);
      where.push(`date_trunc('month', r.period_start) = $${params.length}::date`);
    }
    if (query.cursor) {
      let key: unknown;
      try {
        key = JSON.parse(Buffer.from(query.cursor, 'base64url').toString());
      } catch {
        throw invalidCursor();
      }
      if (!Array.isArray(key) || key.length !== 5 || !key.every((k) => typeof k === 'string')) {
        throw invalidCursor();
      }
      params.push(...key);
      const n = params.length;
      where.push(
        `(a.work_id::text, a.usage, a.unit, a.licensee_id::text, a.status) > ($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`,
      );
    }
    const rows = await this.dataSource.query<
      {
        work_id: string;
        usage: string;
        unit: string;
        licensee_id: string;
        status: string;
        lines: string;
        units: string;
        work_title: string | null;
        licensee_name: string | null;
      }[]
    >(publisherUsageSql(where), params);
    const page = rows.slice(0, limit).map((row) => ({
      workId: row.work_id,
      workTitle: row.work_title ?? '',
      licenseeId: row.licensee_id,
      licenseeName: row.licensee_name ?? '',
      usage: row.usage,
      unit: row.unit,
      status: row.status,
      lines: Number(row.lines),
      units: row.units,
    }));
    const last = page[page.length - 1];
    return {
      data: page,
      nextCursor:
        rows.length > limit
          ? Buffer.from(
              JSON.stringify([last.workId, last.usage, last.unit, last.licenseeId, last.status]),
            ).toString('base64url')
          : null,
    };
  }
}
