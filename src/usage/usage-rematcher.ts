import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { REPORT_LOCK } from './matching/lock-report';
import { matchQuestions } from './matching/match-questions';
import { loadReceiptSecrets } from '../receipts/receipt-citations';
import { refreshReportCounts } from './report-counts';
import { periodMonth } from './usage-staging';
import {
  COUNT_REMATCHED,
  CREATE_REMATCHED,
  CREATE_SUSPENSE,
  INSERT_CITATIONS,
  INSERT_DELTAS,
  NEXT_GENERATION,
  REMATCH_CANDIDATES,
  SUSPENSE_REPORT,
  UPDATE_ISSUES,
} from './usage-rematcher.queries';

interface SuspenseReport {
  id: string;
  licensee_id: string;
  period_start: string;
  period_end: string;
}

/**
 * Takes suspended lines (unmatched: the work was unknown) of counting reports out of suspense
 * once the catalogue knows their work: each becomes matched or out-of-scope as if it had been
 * known on arrival, marked `rematched_at`; the report's aggregates gain delta rows (never edits)
 * and its counts follow. One transaction per report, under the report's lock.
 */
@Injectable()
export class UsageRematcher {
  private readonly logger = new Logger(UsageRematcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
  ) {}

  /** Every counting report with suspended lines; returns the lines taken out of suspense. */
  async rematchAll(): Promise<number> {
    const reports = await this.dataSource.query<{ id: string }[]>(REMATCH_CANDIDATES);
    let total = 0;
    for (const { id } of reports) total += await this.rematch(id);
    if (total) this.logger.log({ lines: total }, 'suspended usage lines matched');
    return total;
  }

  async rematch(reportId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(REPORT_LOCK, [reportId]);
      const [report] = await manager.query<SuspenseReport[]>(SUSPENSE_REPORT, [reportId]);
      if (!report) return 0;
      const month = periodMonth(report.period_start);
      await manager.query(CREATE_SUSPENSE, [month, report.id]);
      await matchQuestions(
        manager,
        await this.agreements.all(report.licensee_id),
        'suspense',
        report,
      );
      await loadReceiptSecrets(manager);
      await manager.query(CREATE_REMATCHED, [report.licensee_id]);
      const [{ n }] = await manager.query<{ n: string }[]>(COUNT_REMATCHED);
      if (n === '0') return 0;
      await manager.query(UPDATE_ISSUES, [month, report.id]);
      // The delta rows are the report's next generation of aggregates: a royalty run records
      // the generation it counted (royalty_run_reports), and holds the report's row FOR SHARE
      // while it calculates, so this waits for it rather than change what it reads.
      const [{ generation }] = await manager.query<{ generation: number }[]>(NEXT_GENERATION, [
        report.id,
      ]);
      await manager.query(INSERT_DELTAS, [report.id, report.licensee_id, generation]);
      await manager.query(INSERT_CITATIONS, [report.id, report.licensee_id, month]);
      await refreshReportCounts(manager, report.id);
      return Number(n);
    });
  }
}
