import {
  UsageReportRejection,
  UsageReportResponse,
  UsageTotalResponse,
} from './dto/usage-report.dto';

export interface UsageReportRow {
  id: string;
  licensee_id: string;
  report_id: string;
  format: string;
  period_start: string;
  period_end: string;
  currency: string | null;
  supersedes_id: string | null;
  superseded_by_id: string | null;
  status: UsageReportResponse['status'];
  declared_line_count: string;
  declared_units: string;
  lines_received: string;
  units_received: string;
  lines_matched: string;
  lines_unmatched: string;
  lines_out_of_scope: string;
  lines_invalid: string;
  totals_by_usage: UsageTotalResponse[];
  rejection: UsageReportRejection | null;
  content_hash: Buffer;
  received_at: Date;
  processed_at: Date | null;
  accepted_at: Date | null;
  superseded_at: Date | null;
}

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
