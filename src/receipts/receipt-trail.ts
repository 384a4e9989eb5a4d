import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { groupBy } from '../common/group-by';
import {
  LicenceReceiptTrailResponse,
  ReceiptChargeResponse,
  ReceiptCitationResponse,
  ReceiptStatementResponse,
} from './dto/receipt-trail.dto';
import { RECEIPT_ID_LENGTH, receiptIdDay } from './receipt-id';
import {
  ChargeRow,
  charges,
  citations,
  CitationRow,
  StatementPayoutRow,
  statementsAndPayouts,
} from './receipt-trail.queries';

const FINANCE = new Set(['finance', 'admin']);

/**
 * Where a licence receipt led: the usage citing it, the charges, statements and payout items
 * that paid for it. The licensee and the publisher concerned see their own side of it (the
 * licensee: its reports and invoices; the publisher: also its statements and payouts); finance
 * all. A receipt nobody the actor can see has cited is not found, so the route tells no one
 * whether another organization's usage cites it.
 */
@Injectable()
export class ReceiptTrail {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Three queries whatever the receipt's reach: citations, charges, statements with payouts. */
  async trail(actor: Principal, id: string): Promise<LicenceReceiptTrailResponse> {
    const day = id.length === RECEIPT_ID_LENGTH ? receiptIdDay(id) : null;
    const finance = FINANCE.has(actor.role);
    const rows = day
      ? await citations(this.dataSource, id, day, finance ? null : actor.organizationId)
      : [];
    if (!rows.length) throw new ResourceNotFound('licence-receipt', id);
    const priced = await charges(this.dataSource, rows, finance);
    // The statements and payouts are the publisher's: its payees' money.
    const publisherSide = (citation: number) =>
      finance || actor.organizationId === rows[citation - 1].publisher_id;
    const held = priced.filter((charge) => publisherSide(charge.citation));
    const heldNo = new Map(held.map((charge, i) => [charge, i + 1]));
    const payouts = groupBy(
      held.length ? await statementsAndPayouts(this.dataSource, held) : [],
      (row) => row.charge,
    );
    const chargesOf = groupBy(priced, (charge) => charge.citation);
    return {
      id,
      day: day!,
      citations: rows.map((row, i) =>
        citationView(
          row,
          (chargesOf.get(i + 1) ?? []).map((charge) =>
            chargeView(
              charge,
              publisherSide(charge.citation)
                ? statementViews(payouts.get(heldNo.get(charge)!) ?? [])
                : null,
            ),
          ),
        ),
      ),
    };
  }
}

function citationView(row: CitationRow, charged: ReceiptChargeResponse[]): ReceiptCitationResponse {
  return {
    reportId: row.report_id,
    licenseeId: row.licensee_id,
    publisherId: row.publisher_id,
    workId: row.work_id,
    agreementId: row.agreement_id,
    agreementVersion: row.agreement_version,
    usage: row.usage,
    unit: row.unit,
    lines: Number(row.lines),
    units: row.units,
    firstLineNo: Number(row.first_line_no),
    lastLineNo: Number(row.last_line_no),
    charges: charged,
  };
}

function chargeView(
  charge: ChargeRow,
  statements: ReceiptStatementResponse[] | null,
): ReceiptChargeResponse {
  return {
    runId: charge.run_id,
    runStatus: charge.run_status,
    invoiceId: charge.invoice_id,
    chargeLineNo: charge.line_no,
    kind: charge.kind,
    units: charge.units,
    gross: Number(charge.gross),
    statements,
  };
}

/** A charge's statements, each with its payout items (rows in statement, then item order). */
function statementViews(rows: readonly StatementPayoutRow[]): ReceiptStatementResponse[] {
  const views: ReceiptStatementResponse[] = [];
  for (const row of rows) {
    let view = views.at(-1);
    if (view?.statementId !== row.statement_id) {
      view = { statementId: row.statement_id, payeeId: row.payee_id, payoutItems: [] };
      views.push(view);
    }
    if (row.item_id)
      view.payoutItems.push({
        id: row.item_id,
        payoutRunId: row.item_run_id!,
        amount: Number(row.item_amount),
        status: row.item_status!,
        transferId: row.item_transfer_id,
      });
  }
  return views;
}
