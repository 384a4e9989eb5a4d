import {
  UsageReportRejection,
  UsageReportResponse,
  UsageTotalResponse,
} from './dto/usage-report.dto';
import { UsageReportRow as UsageReportTableRow } from './usage.tables';

/** A row of usage_reports (usage.tables.ts) with its status and JSON columns typed as the API shows them. */
export type UsageReportRow = Omit<
  UsageReportTableRow,
  'status' | 'totals_by_usage' | 'rejection'
> & {
  status: UsageReportResponse['status'];
  totals_by_usage: UsageTotalResponse[];
  rejection: UsageReportRejection | null;
};

export function toUsageReportResponse(row: UsageReportRow): UsageReportResponse {
  return {
    id: row.id,
    reportId: row.report_id,
    status: row.status,
    format: row.format,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    currency: row.currency,
    supersedes: row.supersedes_id,
    supersededBy: row.superseded_by_id,
    declared: { lineCount: row.declared_line_count, units: row.declared_units },
    received: { lineCount: row.lines_received, units: row.units_received },
    counts: {
      matched: Number(row.lines_matched),
      unmatched: Number(row.lines_unmatched),
      outOfScope: Number(row.lines_out_of_scope),
      invalid: Number(row.lines_invalid),
    },
    totalsByUsage: row.totals_by_usage,
    rejection: row.rejection,
    counting: row.status === 'accepted' && row.superseded_by_id === null,
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    supersededAt: row.superseded_at?.toISOString() ?? null,
  };
}
