import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import {
  daysAfter,
  DEFAULT_REPORT_DUE_DAY,
  monthBounds,
  monthsBefore,
  reportDueOn,
  volumeDrop,
} from './compliance-rules';
import { checkedNotReported, ComplianceScope, reportsDue, volumes } from './compliance.queries';
import { ComplianceQuery, ComplianceResponse, FindingResponse } from './dto/compliance.dto';

/**
 * What the licence checks say against what was reported, per agreement and period
 * (docs/COMPLIANCE.md): receipts for uses no report carried, reports missing or late, and
 * reported volume falling against the periods before. A publisher sees its agreements, a
 * licensee its own (so it can correct before publishers look), finance and admins every one.
 */
@Injectable()
export class ComplianceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async findings(actor: Principal, query: ComplianceQuery): Promise<ComplianceResponse> {
    const scope: ComplianceScope = {
      publisherId: actor.role === 'publisher' ? actor.organizationId : null,
      licenseeId: actor.role === 'licensee' ? actor.organizationId : null,
    };
    const limit = query.limit ?? 100;
    const period = monthBounds(query.period);
    const wants = (kind: string) => !query.kind || query.kind === kind;
    const findings: FindingResponse[] = [];
    let truncated = false;

    if (wants('checked-not-reported')) {
      const rows = await checkedNotReported(this.dataSource, period, scope, limit + 1);
      truncated ||= rows.length > limit;
      for (const row of rows.slice(0, limit)) {
        findings.push({
          kind: 'checked-not-reported',
          agreementId: row.agreement_id,
          licenseeId: row.licensee_id,
          publisherId: row.publisher_id,
          evidence: {
            workId: row.work_id,
            usage: row.usage,
            receipts: Number(row.receipts),
            daysChecked: row.days_checked,
            firstDay: row.first_day,
            lastDay: row.last_day,
            reportedLines: 0,
          },
        });
      }
    }

    if (wants('report-missing') || wants('report-late')) {
      const now = new Date();
      const due: FindingResponse[] = [];
      for (const row of await reportsDue(this.dataSource, period, scope, 100_000)) {
        const dueOn = reportDueOn(query.period, row.due_day ?? DEFAULT_REPORT_DUE_DAY);
        const ids = {
          agreementId: row.agreement_id,
          licenseeId: row.licensee_id,
          publisherId: row.publisher_id,
        };
        if (!row.first_accepted_at) {
          const daysOverdue = daysAfter(dueOn, now);
          if (daysOverdue > 0 && wants('report-missing')) {
            due.push({ kind: 'report-missing', ...ids, evidence: { dueOn, daysOverdue } });
          }
        } else {
          const daysLate = daysAfter(dueOn, row.first_accepted_at);
          if (daysLate > 0 && wants('report-late')) {
            due.push({
              kind: 'report-late',
              ...ids,
              evidence: {
                dueOn,
                acceptedAt: row.first_accepted_at.toISOString(),
                reportId: row.first_report_id!,
                daysLate,
              },
            });
          }
        }
      }
      for (const kind of ['report-missing', 'report-late'] as const) {
        const ofKind = due.filter((finding) => finding.kind === kind);
        truncated ||= ofKind.length > limit;
        findings.push(...ofKind.slice(0, limit));
      }
    }

    if (wants('volume-drop')) {
      const monthStarts = [0, 1, 2, 3].map((n) => `${monthsBefore(query.period, n)}-01`) as [
        string,
        string,
        string,
        string,
      ];
      const thresholdBps = this.config.get('COMPLIANCE_VOLUME_DROP_BPS');
      const drops: FindingResponse[] = [];
      const rows = await volumes(
        this.dataSource,
        { start: monthStarts[3], end: period.end },
        monthStarts,
        scope,
        100_000,
      );
      for (const row of rows) {
        const [units, ...trailing] = row.units;
        const drop = volumeDrop(units, trailing, thresholdBps);
        if (!drop) continue;
        drops.push({
          kind: 'volume-drop',
          agreementId: row.agreement_id,
          licenseeId: row.licensee_id,
          publisherId: row.publisher_id,
          evidence: {
            unit: row.unit,
            units,
            trailingUnits: trailing,
            trailingMean: drop.trailingMean,
            dropBps: drop.dropBps,
            thresholdBps,
          },
        });
      }
      drops.sort((a, b) => b.evidence.dropBps! - a.evidence.dropBps!);
      truncated ||= drops.length > limit;
      findings.push(...drops.slice(0, limit));
    }
    return { period: query.period, findings, truncated };
  }
}
