import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { aggregateAnswers, answerQuestions } from './matching/answer-questions';
import { checkCitations } from './matching/check-citations';
import {
  markProcessing,
  ReportRow,
  reportToMatch,
  unfinishedReports,
} from './matching/claim-report';
import { ensureMonthPartitions } from './matching/ensure-month-partitions';
import { gatherQuestions } from './matching/gather-questions';
import { keepLines } from './matching/keep-lines';
import { lockReport } from './matching/lock-report';
import { markDuplicates } from './matching/mark-duplicates';
import { matchQuestions } from './matching/match-questions';
import { rejectTooManyInvalid } from './matching/reject-too-many-invalid';
import { settleReport } from './matching/settle-report';
import { tunePlanner } from './matching/tune-planner';
import { writeIssues } from './matching/write-issues';
import { periodMonth, stagingTable } from './usage-staging';

/**
 * The worker's half of a usage report: matches every staged line to a work and to the agreement
 * that covers it, writes the lines and their aggregates, and settles the report — all in one
 * transaction, so a worker that dies mid-report leaves nothing behind and the retry counts each
 * line exactly once. Set-based SQL throughout: the lines never pass through JavaScript. The
 * steps, with the tables each reads and writes, are in `matching/`.
 */
@Injectable()
export class UsageReportMatcher {
  private readonly logger = new Logger(UsageReportMatcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
    private readonly config: AppConfig,
  ) {}

  async unfinished(): Promise<string[]> {
    return unfinishedReports(this.dataSource.manager);
  }

  async process(reportId: string): Promise<void> {
    const report = await reportToMatch(this.dataSource.manager, reportId);
    if (!report) return;
    const month = periodMonth(report.period_start);
    await ensureMonthPartitions(this.dataSource.manager, month);
    await markProcessing(this.dataSource.manager, reportId);
    const started = Date.now();
    // Read once, before the transaction, and used by every step: the stretches the lines are
    // grouped by and the matching must see the same agreement versions.
    const agreements = await this.agreements.all(report.licensee_id);
    const maxInvalidBps = this.config.get('USAGE_MAX_INVALID_BPS');
    // One snapshot for every statement (works withdrawn, identifiers): a change committed
    // between two of them must not give a stretch's lines an answer their grouping did not see.
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      if (!(await lockReport(manager, reportId))) return;
      const stage = stagingTable(reportId);
      await tunePlanner(manager, stage);
      await markDuplicates(manager, stage, report.repeat_suspects);
      await gatherQuestions(manager, report, stage, agreements);
      if (await rejectTooManyInvalid(manager, report, stage, maxInvalidBps)) return;
      await matchQuestions(manager, agreements, 'report_questions', report);
      await answerQuestions(manager);
      // A report citing no receipt has none to check (counted on upload).
      const refused =
        report.lines_citing === '0' ? 0 : await checkCitations(manager, report, month);
      await aggregateAnswers(manager, report);
      await writeIssues(manager, report, stage, month, refused > 0);
      await keepLines(manager, report, stage, month);
      await this.settle(manager, report);
    });
    this.logger.log({ reportId, ms: Date.now() - started }, 'usage report processed');
  }

  /** The last step, a method of its own so that a test can make a worker die just before it. */
  private settle(manager: EntityManager, report: ReportRow): Promise<void> {
    return settleReport(manager, report);
  }
}
