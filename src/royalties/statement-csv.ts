import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Principal } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { StatementResponse } from './dto/royalty-run.dto';
import { StatementsService } from './statements.service';

export const STATEMENT_CSV_HEADER =
  'lineNo,kind,agreementId,workId,usage,unit,units,rate,per,shareBps,gross,commission,net,' +
  'adjustsPeriodStart,adjustsPeriodEnd,adjustsRunId,adjustsReportIds,receiptIds';

/** A download whose reader takes nothing for this long is ended (its connection freed). */
export const STALLED_EXPORT_MS = 60_000;

/** The last row: the statement's totals, equal to the sum of the lines. */
export function totalRow(statement: StatementResponse): string {
  return `total,,,,,,,,,,${statement.gross},${statement.commission},${statement.net},,,,,\n`;
}

/**
 * A statement as CSV, streamed: PostgreSQL writes the lines with `COPY … TO STDOUT` and they go
 * to the client as they come, with backpressure (a slow reader pauses the copy), so the api
 * holds a few chunks whatever the statement's size. Each download has a connection of its own,
 * outside the pool — a slow reader never holds a connection other requests need — and at most
 * STATEMENT_CSV_CONCURRENCY run at once per process (503 `exports-busy` past it); a download
 * whose reader stalls for STALLED_EXPORT_MS is ended.
 */
@Injectable()
export class StatementCsvExport {
  private active = 0;

  constructor(
    private readonly statements: StatementsService,
    private readonly config: AppConfig,
  ) {}

  async open(actor: Principal, id: string): Promise<Readable> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'rights-ledger-export',
      options: '-c DateStyle=ISO',
    });
    // 404 before anything else; the statement's ids go into the COPY as quoted literals.
    const { statement, sql } = await this.statements.csvSource(actor, id, (value) =>
      client.escapeLiteral(value),
    );
    const limit = this.config.get('STATEMENT_CSV_CONCURRENCY');
    if (this.active >= limit) {
      throw new DomainError(
        'exports-busy',
        503,
        `${limit} statement downloads are running; retry shortly`,
        {},
        { 'Retry-After': '5' },
      );
    }
    this.active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active -= 1;
      // Mid-copy, ending the connection is what stops the server's query.
      void client.end().catch(() => undefined);
    };
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      release();
      throw error;
    }

    const copy = client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT csv)`));
    let body: Readable | undefined = undefined;
    let stall: NodeJS.Timeout | undefined;
    // The generator resumes only when the reader has taken what it was given: each resumption
    // restarts the stall timer.
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(
        () => body?.destroy(new Error('statement download stalled')),
        STALLED_EXPORT_MS,
      );
      stall.unref();
    };
    async function* chunks(): AsyncGenerator<Buffer> {
      watch();
      yield Buffer.from(`${STATEMENT_CSV_HEADER}\n`);
      for await (const chunk of copy) {
        watch();
        yield chunk as Buffer;
      }
      yield Buffer.from(totalRow(statement));
    }
    body = Readable.from(chunks(), { objectMode: false });
    body.once('close', () => {
      clearTimeout(stall);
      copy.destroy();
      release();
    });
    return body;
  }
}
