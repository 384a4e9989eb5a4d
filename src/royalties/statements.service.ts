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
import { BadRequest, ResourceNotFound } from '../common/errors/domain-error';
import {
  InvoiceResponse,
  ListInvoicesQuery,
  ListStatementsQuery,
  StatementLineResponse,
  StatementResponse,
} from './dto/royalty-run.dto';
import { isUuid } from '../common/ids';

const FINANCE = new Set(['finance', 'admin']);

/** A numeric as PostgreSQL prints it, without the trailing zeros its scale adds. */
function decimalText(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

interface StatementRow {
  id: string;
  run_id: string;
  lines_stored: boolean;
  period_start: string;
  period_end: string;
  payee_id: string;
  payee_name: string;
  publisher_id: string;
  publisher_name: string;
  currency: string;
  gross: string;
  commission: string;
  net: string;
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

interface StatementLineRow {
  line_no: number;
  invoice_id: string;
  kind: string;
  agreement_id: string;
  work_id: string | null;
  usage: string | null;
  unit: string | null;
  units: string | null;
  rate: string | null;
  per: string | null;
  share_bps: number;
  gross: string;
  commission: string;
  net: string;
  adjusts_run_id: string | null;
  adjusts_period_start: string | null;
  adjusts_period_end: string | null;
  adjusts_report_ids: string[] | null;
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
  };
}

/** Line cursors are opaque to clients: the base64url of `l<last line number given>`. */
export function encodeLineCursor(lineNo: number): string {
  return Buffer.from(`l${lineNo}`, 'utf8').toString('base64url');
}

export function decodeLineCursor(cursor: string): number {
  const match = /^l(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  }
  return Number(match[1]);
}

/**
 * A statement's lines, derived from its run's charges ($1 statement, $2 run, $3 payee, $4
 * currency): each charge of a work the payee shares in, split over the members of the split
 * version the charge records, floor(|amount| × bps / 10000) plus one unit to the largest
 * remainders (ties to the lower payee id), given the amount's sign back — the rule the
 * calculator totals by (royalty-calculator.ts, payeeShares); the charges without a work, whole,
 * for the publisher's default payee; and the stored advance-repayment lines. Numbered in the
 * statement's order: agreement, kind, work, usage, unit, corrected period, charge line.
 */
const DERIVED_LINES_SQL = `
  WITH mine AS (
    SELECT c.invoice_id, c.line_no, c.work_id, c.split_version, c.gross, c.commission
      FROM royalty_charges c
      JOIN invoices i ON i.id = c.invoice_id
      JOIN work_splits me
        ON me.work_id = c.work_id AND me.split_version = c.split_version AND me.payee_id = $3
     WHERE c.run_id = $2 AND i.currency = $4),
  shares AS (
    SELECT m.invoice_id, m.line_no, s.payee_id, s.share_bps,
           CASE WHEN m.gross < 0 THEN -1 ELSE 1 END
             * (abs(m.gross) * s.share_bps / 10000
                + CASE WHEN row_number() OVER (PARTITION BY m.invoice_id, m.line_no
                                              ORDER BY abs(m.gross) * s.share_bps % 10000 DESC, s.payee_id)
                            <= abs(m.gross) - sum(abs(m.gross) * s.share_bps / 10000)
                                                OVER (PARTITION BY m.invoice_id, m.line_no)
                       THEN 1 ELSE 0 END) AS gross,
           CASE WHEN m.commission < 0 THEN -1 ELSE 1 END
             * (abs(m.commission) * s.share_bps / 10000
                + CASE WHEN row_number() OVER (PARTITION BY m.invoice_id, m.line_no
                                              ORDER BY abs(m.commission) * s.share_bps % 10000 DESC, s.payee_id)
                            <= abs(m.commission) - sum(abs(m.commission) * s.share_bps / 10000)
                                                     OVER (PARTITION BY m.invoice_id, m.line_no)
                       THEN 1 ELSE 0 END) AS commission
      FROM mine m
      JOIN work_splits s ON s.work_id = m.work_id AND s.split_version = m.split_version),
  lines AS (
    SELECT c.invoice_id, c.line_no AS charge_line_no, c.kind, c.agreement_id, c.work_id, c.usage,
           c.unit, c.units, c.rate, c.per, x.share_bps, x.gross, x.commission, c.adjusts_run_id,
           c.adjusts_period_start, c.adjusts_period_end, c.adjusts_report_ids, 0 AS stored_no
      FROM shares x
      JOIN royalty_charges c ON c.run_id = $2 AND c.invoice_id = x.invoice_id AND c.line_no = x.line_no
     WHERE x.payee_id = $3
    UNION ALL
    SELECT c.invoice_id, c.line_no, c.kind, c.agreement_id, c.work_id, c.usage, c.unit, c.units,
           c.rate, c.per, 10000, c.gross, c.commission, c.adjusts_run_id, c.adjusts_period_start,
           c.adjusts_period_end, c.adjusts_report_ids, 0
      FROM royalty_charges c
      JOIN invoices i ON i.id = c.invoice_id
      JOIN payees p ON p.organization_id = i.publisher_id AND p.is_default AND p.id = $3
     WHERE c.run_id = $2 AND c.work_id IS NULL AND i.currency = $4
    UNION ALL
    SELECT invoice_id, charge_line_no, kind, agreement_id, work_id, usage, unit, units, rate, per,
           share_bps, gross, commission, adjusts_run_id, adjusts_period_start, adjusts_period_end,
           adjusts_report_ids, line_no
      FROM statement_lines WHERE statement_id = $1)
  SELECT row_number() OVER (ORDER BY agreement_id, kind COLLATE "C", work_id, usage COLLATE "C",
                                     unit COLLATE "C", adjusts_period_start NULLS FIRST,
                                     charge_line_no, invoice_id, stored_no)::int
           AS line_no,
         invoice_id, kind, agreement_id, work_id, usage, unit, units, rate, per, share_bps, gross,
         commission, gross - commission AS net, adjusts_run_id, adjusts_period_start,
         adjusts_period_end, adjusts_report_ids
    FROM lines
   ORDER BY line_no`;

/** A statement with its run's period and its payee's and publisher's names: one join each. */
const STATEMENT_COLUMNS = `s.*, r.period_start, r.period_end, r.lines_stored, p.name AS payee_name,
  o.name AS publisher_name`;
const STATEMENT_FROM = `FROM statements s JOIN royalty_runs r ON r.id = s.run_id
  JOIN payees p ON p.id = s.payee_id JOIN organizations o ON o.id = s.publisher_id`;

/** The statement's lines: stored (runs before DerivedStatementLines) or derived. */
function linesSql(row: StatementRow): { sql: string; params: string[] } {
  return row.lines_stored
    ? {
        sql: `SELECT line_no, invoice_id, kind, agreement_id, work_id, usage, unit, units, rate, per,
                     share_bps, gross, commission, net, adjusts_run_id, adjusts_period_start,
                     adjusts_period_end, adjusts_report_ids
                FROM statement_lines WHERE statement_id = $1`,
        params: [row.id],
      }
    : { sql: DERIVED_LINES_SQL, params: [row.id, row.run_id, row.payee_id, row.currency] };
}

interface InvoiceRow {
  id: string;
  run_id: string;
  period_start: string;
  period_end: string;
  agreement_id: string;
  licensee_id: string;
  licensee_name: string;
  publisher_id: string;
  publisher_name: string;
  currency: string;
  exact_total: string;
  amount: string;
  commission: string;
  payee_total: string;
  advance_invoiced: string;
  advance_recouped: string;
  advance_balance: string;
  adjustment_exact: string;
  adjustment_amount: string;
  adjustment_commission: string;
  run_status: string;
  paid: string;
  payment_status: InvoiceResponse['paymentStatus'];
}

/**
 * Where an invoice stands with its licensee (`i` the invoice, `r` its run, `pay.paid` the sum
 * of its payments): the API's word, so no client works it out again.
 */
const PAYMENT_STATUS_SQL = `CASE
  WHEN r.status <> 'posted' THEN 'not-issued'
  WHEN i.amount < 0 THEN 'credit-note'
  WHEN pay.paid >= i.amount THEN 'paid'
  WHEN pay.paid > 0 THEN 'partially-paid'
  ELSE 'outstanding' END`;

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
@Injectable()
export class StatementsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async statements(
    actor: Principal,
    query: ListStatementsQuery,
  ): Promise<{ data: StatementResponse[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.dataSource.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} ${STATEMENT_FROM}
        WHERE ($1::boolean OR (s.publisher_id = $2 AND r.status = 'posted'))
          AND ($3::uuid IS NULL OR s.run_id = $3) AND ($4::uuid IS NULL OR s.payee_id = $4)
          AND ($5::uuid IS NULL OR s.id > $5) AND ($7::uuid IS NULL OR s.publisher_id = $7)
        ORDER BY s.id LIMIT $6`,
      [
        FINANCE.has(actor.role),
        actor.organizationId,
        query.runId ?? null,
        query.payeeId ?? null,
        query.cursor ? decodeCursor(query.cursor) : null,
        limit + 1,
        query.publisherId ?? null,
      ],
    );
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
    const after = query.cursor ? decodeLineCursor(query.cursor) : 0;
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
    const { sql, params } = linesSql(row);
    const inlined = sql.replace(/\$(\d)\b/g, (_, n: string) => quote(params[Number(n) - 1]));
    return {
      statement: toStatement(row),
      sql: `SELECT line_no, kind, agreement_id, work_id, usage, unit, units, rate, per, share_bps,
                   gross, commission, net, adjusts_period_start, adjusts_period_end,
                   adjusts_run_id, array_to_string(adjusts_report_ids, ' ')
              FROM (${inlined}) l ORDER BY line_no`,
    };
  }

  private async header(actor: Principal, id: string): Promise<StatementRow> {
    const [row] = isUuid(id)
      ? await this.dataSource.query<StatementRow[]>(
          `SELECT ${STATEMENT_COLUMNS} ${STATEMENT_FROM}
            WHERE s.id = $1 AND ($2::boolean OR (s.publisher_id = $3 AND r.status = 'posted'))`,
          [id, FINANCE.has(actor.role), actor.organizationId],
        )
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
    const { sql, params } = linesSql(row);
    const n = params.length;
    const lines = await this.dataSource.query<StatementLineRow[]>(
      `SELECT * FROM (${sql}) l WHERE line_no > $${n + 1} ORDER BY line_no LIMIT $${n + 2}`,
      [...params, after, limit + 1],
    );
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
    const rows = await this.dataSource.query<InvoiceRow[]>(
      `SELECT * FROM (
         SELECT i.*, r.period_start, r.period_end, r.status AS run_status,
                l.name AS licensee_name, o.name AS publisher_name, pay.paid,
                ${PAYMENT_STATUS_SQL} AS payment_status
           FROM invoices i JOIN royalty_runs r ON r.id = i.run_id
           JOIN organizations l ON l.id = i.licensee_id
           JOIN organizations o ON o.id = i.publisher_id
           CROSS JOIN LATERAL (SELECT COALESCE(sum(p.amount), 0) AS paid
                                 FROM invoice_payments p WHERE p.invoice_id = i.id) pay
          WHERE ($1::boolean OR (i.licensee_id = $2 AND r.status = 'posted'))
            AND ($3::uuid IS NULL OR i.run_id = $3) AND ($4::uuid IS NULL OR i.agreement_id = $4)
            AND ($5::uuid IS NULL OR i.id > $5)
            AND ($7::boolean IS NULL OR (i.adjustment_exact <> 0) = $7)) x
        WHERE $8::text = 'all'
           OR ($8 = 'outstanding' AND payment_status IN ('outstanding', 'partially-paid'))
           OR ($8 = 'paid' AND payment_status = 'paid')
        ORDER BY id LIMIT $6`,
      [
        FINANCE.has(actor.role),
        actor.organizationId,
        query.runId ?? null,
        query.agreementId ?? null,
        query.cursor ? decodeCursor(query.cursor) : null,
        limit + 1,
        query.adjusted === undefined ? null : query.adjusted === 'true',
        query.status ?? 'all',
      ],
    );
    const data = rows.slice(0, limit).map(toInvoice);
    return pageOf(data, rows.length > limit);
  }
}
