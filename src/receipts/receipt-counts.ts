import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Coalesced } from '../common/concurrency/coalesced';
import { AppConfig } from '../config/app-config';
import { addReceiptCounts, ReceiptCount } from './receipt-counts.queries';

/** What one receipt is counted under. */
export interface CountedReceipt {
  agreementId: string;
  day: string;
  workId: string;
  usage: string;
}

const SEPARATOR = '\n';
const keyOf = ({ agreementId, day, workId, usage }: CountedReceipt) =>
  agreementId + SEPARATOR + day + SEPARATOR + workId + SEPARATOR + usage;
const ROWS_PER_STATEMENT = 5_000;
/** An early flush (the map full) at most this often: a database that is down is not hammered. */
const EARLY_FLUSH_SPACING_MS = 1_000;

/**
 * Receipts given, counted in this process and added to `licence_check_counts` once per
 * RECEIPT_COUNT_FLUSH_MS — never a database write per licence check. A process that dies loses
 * what it counted since its last flush (at most one interval); one that stops normally flushes
 * first. A flush that fails keeps its counts for the next one. At most RECEIPT_COUNT_MAX_KEYS
 * distinct keys are held (an early flush empties the map when it fills); a receipt that finds the
 * map full while the database cannot take it is not counted, and the next flush logs how many.
 */
@Injectable()
export class ReceiptCounts implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReceiptCounts.name);
  private counts = new Map<string, number>();
  private uncounted = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private readonly flushes = new Coalesced(() => this.write());
  private readonly maxKeys: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.maxKeys = config.get('RECEIPT_COUNT_MAX_KEYS');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush().catch(() => undefined);
    }, this.config.get('RECEIPT_COUNT_FLUSH_MS'));
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  count(receipts: readonly CountedReceipt[]): void {
    for (const receipt of receipts) {
      const key = keyOf(receipt);
      const counted = this.counts.get(key);
      if (counted !== undefined) this.counts.set(key, counted + 1);
      else if (this.counts.size < this.maxKeys) this.counts.set(key, 1);
      else this.uncounted += 1;
    }
    if (
      this.counts.size >= this.maxKeys &&
      Date.now() - this.lastFlushAt > EARLY_FLUSH_SPACING_MS
    ) {
      this.flush().catch(() => undefined);
    }
  }

  /** What was counted so far added to the database (callers asking meanwhile share the next flush). */
  flush(): Promise<void> {
    return this.flushes.request();
  }

  private async write(): Promise<void> {
    this.lastFlushAt = Date.now();
    const taken = this.counts;
    this.counts = new Map();
    if (this.uncounted) {
      this.logger.warn(
        { uncounted: this.uncounted },
        'receipts not counted: the count map was full',
      );
      this.uncounted = 0;
    }
    const rows: ReceiptCount[] = [...taken.keys()].sort().map((key) => {
      const [agreementId, day, workId, usage] = key.split(SEPARATOR);
      return { agreementId, day, workId, usage, receipts: taken.get(key)! };
    });
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      try {
        await addReceiptCounts(this.dataSource, rows.slice(start, start + ROWS_PER_STATEMENT));
      } catch (error) {
        // Not written: kept for the next flush, added to whatever was counted meanwhile.
        for (const row of rows.slice(start)) {
          const key = keyOf(row);
          this.counts.set(key, (this.counts.get(key) ?? 0) + row.receipts);
        }
        this.logger.warn(
          { err: error, kept: rows.length - start },
          'receipt counts not flushed; kept',
        );
        throw error;
      }
    }
  }
}
