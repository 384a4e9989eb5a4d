/**
 * The planned works straight into works, work_identifiers and work_splits (one payee each, the
 * publisher's default), the three COPYs at once on their own connections with the triggers off:
 * the data is consistent by construction. Used by the licence-check and usage benches.
 */
import { copyWithoutTriggers, PostgresServer } from '../support/database';
import {
  IDENTIFIERS_COPY,
  identifiersCopyText,
  PublisherRow,
  SPLITS_COPY,
  splitsCopyText,
  WorkPlan,
  WORKS_COPY,
  worksCopyText,
} from './shared';

export async function copyPlannedWorks(
  server: PostgresServer,
  url: string,
  plan: WorkPlan,
  publishers: PublisherRow[],
): Promise<void> {
  const copy = (sql: string, text: NodeJS.ReadableStream) =>
    copyWithoutTriggers(server, url, sql, text);
  const written = await Promise.all([
    copy(WORKS_COPY, worksCopyText(plan, publishers)),
    copy(IDENTIFIERS_COPY, identifiersCopyText(plan, publishers)),
    copy(SPLITS_COPY, splitsCopyText(plan, publishers)),
  ]);
  if (written.some((count) => count !== plan.works)) {
    throw new Error(`COPY wrote ${written.join('/')} rows, expected ${plan.works} each`);
  }
}
