import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { allocateCharges } from './calculation/allocate-charges';
import { assignSplitVersions } from './calculation/assign-split-versions';
import { chargeAdjustments } from './calculation/charge-adjustments';
import { chargeAdvances } from './calculation/charge-advances';
import { chargeFixedFees } from './calculation/charge-fixed-fees';
import { clearRun } from './calculation/clear-run';
import { countReports } from './calculation/count-reports';
import { digestRun } from './calculation/digest';
import { priceUsage } from './calculation/price-usage';
import { readTerms } from './calculation/read-terms';
import { repayAdvances } from './calculation/repay-advances';
import { restateUsage } from './calculation/restate-usage';
import { lockRun, markCalculated, unfinishedRuns } from './calculation/run-state';
import { shareToPayees } from './calculation/share-to-payees';
import { sumUsage } from './calculation/sum-usage';
import { analyzeCharges, tuneSession } from './calculation/tune-session';
import { writeInvoices } from './calculation/write-invoices';
import { writeStatements } from './calculation/write-statements';

/**
 * Calculates a royalty run in the database, as a preview that posting makes final:
 * 1. the matched usage of the reports that count for the period, by agreement version, work,
 *    usage type and unit (from usage_aggregates);
 * 2. per-unit charges, exact: units / per × rate (numeric);
 * 3. one invoice per agreement: the exact sum rounded half-even once; the commission
 *    (half-even) of that;
 * 4. the invoice over its charges by largest remainder of their exact amounts, its commission by
 *    largest remainder of their grosses × bps, then each charge over the work's payees by the splits in force at the period's end
 *    (largest remainder of the shares), so every minor unit is accounted for;
 * 5. statements per payee and currency, with their totals by invoice; a statement's lines are
 *    not written but derived from the charges when read (statements.service), each charge
 *    recording the split version it is shared by.
 * Usage that changed for a posted period since it was settled (superseded, late, re-matched) is
 * priced as signed adjustment lines in the same run, an invoice section of their own
 * (docs/ROYALTIES.md, restatements).
 * Ids derive from the run and what they describe, and every order is total, so calculating the
 * same period twice on the same data gives the same statements, byte for byte.
 * Each step is a file of calculation/, naming the tables it reads and writes; they run in this
 * order, in one transaction.
 */
@Injectable()
export class RoyaltyCalculator {
  private readonly logger = new Logger(RoyaltyCalculator.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
    private readonly ledger: LedgerService,
  ) {}

  unfinished(): Promise<string[]> {
    return unfinishedRuns(this.dataSource);
  }

  async calculate(runId: string): Promise<void> {
    const started = Date.now();
    await this.dataSource.transaction(async (manager) => {
      const run = await lockRun(manager, runId);
      if (!run) return;
      await tuneSession(manager);
      await clearRun(manager, run.id);
      // The charges, exact: the usage priced, the fixed charges, the advances, the adjustments.
      await countReports(manager, run);
      const usage = await sumUsage(manager, run);
      await restateUsage(manager, run);
      const terms = await readTerms(manager, this.agreements, run, usage);
      await priceUsage(manager, usage, terms);
      await chargeFixedFees(manager, terms.fixed);
      await chargeAdvances(manager);
      await chargeAdjustments(manager);
      await writeInvoices(manager, run);
      await analyzeCharges(manager);
      // The invoices over their charges, and the charges over their payees.
      await allocateCharges(manager, run);
      await assignSplitVersions(manager, run);
      await shareToPayees(manager, run);
      await repayAdvances(manager, this.ledger);
      await writeStatements(manager, run);
      await markCalculated(manager, run.id, await digestRun(manager, run.id));
    });
    this.logger.log({ runId, ms: Date.now() - started }, 'royalty run calculated');
  }
}
