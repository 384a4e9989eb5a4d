import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import {
  LicenceReceiptTrailResponse,
  ReceiptChargeResponse,
  ReceiptCitationResponse,
} from './dto/receipt-trail.dto';
import { RECEIPT_ID_LENGTH, receiptIdDay } from './receipt-id';
import {
  ChargeRow,
  charges,
  citations,
  CitationRow,
  payoutItems,
  reportLines,
  statements,
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

  async trail(actor: Principal, id: string): Promise<LicenceReceiptTrailResponse> {
    const day = id.length === RECEIPT_ID_LENGTH ? receiptIdDay(id) : null;
    const finance = FINANCE.has(actor.role);
    const rows = day
      ? await citations(this.dataSource, id, day, finance ? null : actor.organizationId)
      : [];
    if (!rows.length) throw new ResourceNotFound('licence-receipt', id);
    const cited: ReceiptCitationResponse[] = [];
    for (const row of rows) cited.push(await this.citation(actor, id, row, finance));
    return { id, day: day!, citations: cited };
  }

  private async citation(
    actor: Principal,
    id: string,
    row: CitationRow,
    finance: boolean,
  ): Promise<ReceiptCitationResponse> {
    const lines = await reportLines(this.dataSource, id, row);
    const priced = await charges(this.dataSource, row, finance);
    // The statements and payouts are the publisher's: its payees' money.
    const publisherSide = finance || actor.organizationId === row.publisher_id;
    const chargeViews: ReceiptChargeResponse[] = [];
    for (const charge of priced) {
      chargeViews.push({
        runId: charge.run_id,
        runStatus: charge.run_status,
        invoiceId: charge.invoice_id,
        chargeLineNo: charge.line_no,
        kind: charge.kind,
        units: charge.units,
        gross: Number(charge.gross),
        statements: publisherSide ? await this.statementsOf(charge) : null,
      });
    }
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
      reportLines: lines.map((line) => ({
        lineNo: Number(line.line_no),
        lineId: line.line_id,
        units: line.units,
      })),
      charges: chargeViews,
    };
  }

  private async statementsOf(charge: ChargeRow) {
    const held = await statements(this.dataSource, charge);
    return Promise.all(
      held.map(async (statement) => ({
        statementId: statement.id,
        payeeId: statement.payee_id,
        payoutItems: (
          await payoutItems(this.dataSource, statement.payee_id, charge.currency, charge.invoice_id)
        ).map((item) => ({
          id: item.id,
          payoutRunId: item.run_id,
          amount: Number(item.amount),
          status: item.status,
          transferId: item.transfer_id,
        })),
      })),
    );
  }
}
