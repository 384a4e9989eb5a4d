import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  Page,
  PageQuery,
  pageOf,
} from '../common/pagination/page';
import { ResourceNotFound } from '../common/errors/domain-error';
import { decodeNumberCursor, encodeNumberCursor } from '../common/pagination/number-cursor';
import {
  InvoiceResponse,
  ListInvoicesQuery,
  ListStatementsQuery,
  StatementLineResponse,
  StatementResponse,
} from './dto/royalty-run.dto';
import { isUuid } from '../common/ids';
import {
  InvoiceRow,
  listInvoices,
  listStatements,
  statementCsvSql,
  statementHeader,
  StatementLineRow,
  statementLines,
  StatementRow,
} from './statements.queries';

const FINANCE = new Set(['finance', 'admin']);

/** A numeric as PostgreSQL prints it, without the trailing zeros its scale adds. */
function decimalText(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

function toStatement(row: StatementRow): StatementResponse {
  return {
    id: row.id,
    runId: row.run_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    payeeId: row.payee_id,
    payeeName: row.payee_name,
    publisherId: row.publisher_id,
    publisherName: row.publisher_name,
    currency: row.currency,
    gross: Number(row.gross),
    commission: Number(row.commission),
    net: Number(row.net),
  };
}

function toLineResponse(line: StatementLineRow): StatementLineResponse {
  return {
    lineNo: line.line_no,
    invoiceId: line.invoice_id,
    kind: line.kind,
    agreementId: line.agreement_id,
    workId: line.work_id,
    usage: line.usage,
    unit: line.unit,
    units: line.units,
    rate: line.rate,
    per: line.per === null ? null : Number(line.per),
    shareBps: line.share_bps,
    gross: Number(line.gross),
    commission: Number(line.commission),
    net: Number(line.net),
    adjustment:
      line.adjusts_run_id === null
        ? null
        : {
            runId: line.adjusts_run_id,
            periodStart: line.adjusts_period_start!,
            periodEnd: line.adjusts_period_end!,
            reportIds: line.adjusts_report_ids!,
          },
    receiptIds: line.receipt_ids,
  };
}

function toInvoice(row: InvoiceRow): InvoiceResponse {
  const amount = BigInt(row.amount);
  const paid = BigInt(row.paid);
  const owed = row.run_status === 'posted' && amount > paid ? amount - paid : 0n;
  return {
    id: row.id,
    runId: row.run_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    agreementId: row.agreement_id,
    licenseeId: row.licensee_id,
    licenseeName: row.licensee_name,
    publisherId: row.publisher_id,
    publisherName: row.publisher_name,
    currency: row.currency,
    exactTotal: decimalText(row.exact_total),
    amount: Number(amount),
    commission: Number(row.commission),
    payeeTotal: Number(row.payee_total),
    advanceInvoiced: decimalText(row.advance_invoiced),
    advanceRecouped: decimalText(row.advance_recouped),
    advanceBalance: decimalText(row.advance_balance),
    adjustmentExact: decimalText(row.adjustment_exact),
    adjustmentAmount: Number(row.adjustment_amount),
    adjustmentCommission: Number(row.adjustment_commission),
    paid: Number(paid),
    outstanding: Number(owed),
    paymentStatus: row.payment_status,
  };
}

/**
 * Statements (publishers: their payees'; finance: all) and invoices (licensees: their own;
 * finance: all). Publishers and licensees see posted runs only; finance sees previews too.
 */
const LINE_TAG = 'l';

/** Line cursors are opaque to clients: the base64url of `l<last line number given>`. */
export function encodeLineCursor(lineNo: number): string {
  return encodeNumberCursor(LINE_TAG, lineNo);
}

@Injectable()
export class StatementsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async statements(
    actor: Principal,
    query: ListStatementsQuery,
  ): Promise<{ data: StatementResponse[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await listStatements(this.dataSource, {
      finance: FINANCE.has(actor.role),
      organizationId: actor.organizationId,
      runId: query.runId ?? null,
      payeeId: query.payeeId ?? null,
      after: query.cursor ? decodeCursor(query.cursor) : null,
      limit: limit + 1,
      publisherId: query.publisherId ?? null,
    });
    const data = rows.slice(0, limit).map(toStatement);
    return pageOf(data, rows.length > limit);
  }

  /**
   * The statement's totals and its first page of lines (up to MAX_PAGE_SIZE); the rest through
   * `lines` with `linesNextCursor`, or the whole statement streamed as CSV (statement-csv.ts).
   */
  async statement(actor: Principal, id: string): Promise<StatementResponse> {
    const row = await this.header(actor, id);
    const lines = await this.linePage(row, 0, MAX_PAGE_SIZE);
    return { ...toStatement(row), lines: lines.data, linesNextCursor: lines.nextCursor };
  }

  /** A statement's lines a page at a time, in line order (`line_no`, which is dense from 1). */
  async lines(
    actor: Principal,
    id: string,
    query: PageQuery,
  ): Promise<Page<StatementLineResponse>> {
    const row = await this.header(actor, id);
    const after = query.cursor ? decodeNumberCursor(LINE_TAG, 9, query.cursor) : 0;
    return this.linePage(row, after, query.limit ?? DEFAULT_PAGE_SIZE);
  }

  /**
   * What the CSV export streams: the statement (its totals for the last row) and one SELECT of
   * its lines in the CSV's columns, with the statement's ids written in as literals (COPY takes
   * no parameters; they are uuids and a currency code read from the database, quoted with
   * `quote`).
   */
  async csvSource(
    actor: Principal,
    id: string,
    quote: (value: string) => string,
  ): Promise<{ statement: StatementResponse; sql: string }> {
    const row = await this.header(actor, id);
    return { statement: toStatement(row), sql: statementCsvSql(row, quote) };
  }

  private async header(actor: Principal, id: string): Promise<StatementRow> {
    const [row] = isUuid(id)
      ? await statementHeader(this.dataSource, id, FINANCE.has(actor.role), actor.organizationId)
      : [];
    if (!row) throw new ResourceNotFound('statement', id);
    return row;
  }

  /**
   * Lines after `after`, at most `limit`. Derived lines are numbered by a window over the whole
   * statement, so each page costs the database one pass over the statement's charges (its
   * memory bounded by work_mem), and the api only the page.
   */
  private async linePage(
    row: StatementRow,
    after: number,
    limit: number,
  ): Promise<Page<StatementLineResponse>> {
    const lines = await statementLines(this.dataSource, row, after, limit + 1);
    const data = lines.slice(0, limit).map(toLineResponse);
    const last = data[data.length - 1];
    return {
      data,
      nextCursor: lines.length > limit && last ? encodeLineCursor(last.lineNo) : null,
    };
  }

  async invoices(
    actor: Principal,
    query: ListInvoicesQuery,
  ): Promise<{ data: InvoiceResponse[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await listInvoices(this.dataSource, {
      finance: FINANCE.has(actor.role),
      organizationId: actor.organizationId,
      runId: query.runId ?? null,
      agreementId: query.agreementId ?? null,
      after: query.cursor ? decodeCursor(query.cursor) : null,
      limit: limit + 1,
      adjusted: query.adjusted === undefined ? null : query.adjusted === 'true',
      status: query.status ?? 'all',
    });
    const data = rows.slice(0, limit).map(toInvoice);
    return pageOf(data, rows.length > limit);
  }
}
