import { Page } from '../common/pagination/page';
import {
  PayoutExclusionResponse,
  PayoutItemResponse,
  PayoutRunResponse,
  PayoutRunSummaryResponse,
} from './dto/payout-run.dto';

export interface PayoutRunRow {
  id: string;
  status: PayoutRunResponse['status'];
  currency: string;
  minimum_amount: string;
  payee_filter: string[] | null;
  created_by_principal_id: string;
  approved_by_principal_id: string | null;
  created_at: Date;
  approved_at: Date | null;
  cancelled_at: Date | null;
  completed_at: Date | null;
}

/** The run's principals by name, for the response (PAYOUT_RUN_NAMES_SQL). */
export interface PayoutRunNamesRow {
  created_by_name: string | null;
  approved_by_name: string | null;
}

export interface PayoutItemRow {
  id: string;
  run_id: string;
  payee_id: string;
  organization_id: string;
  currency: string;
  amount: string;
  stripe_account_id: string;
  idempotency_key: string;
  status: PayoutItemResponse['status'];
  attempts: number;
  first_sent_at: Date | null;
  transfer_id: string | null;
  error_code: string | null;
  error_message: string | null;
  reversed_amount: string;
  paid_at: Date | null;
}

/** An item as the responses show it: with its payee's and publisher's names (PAYOUT_ITEM_SQL). */
export interface PayoutItemViewRow extends PayoutItemRow {
  payee_name: string;
  publisher_name: string;
}

export interface PayoutExclusionRow {
  payee_id: string;
  payee_name: string;
  publisher_name: string;
  amount: string;
  reason: string;
}

/** Items with their payee's and publisher's names: the FROM clause, items aliased `i`. */
export const PAYOUT_ITEM_SQL = `
  SELECT i.*, p.name AS payee_name, o.name AS publisher_name
    FROM payout_items i
    JOIN payees p ON p.id = i.payee_id
    JOIN organizations o ON o.id = i.organization_id`;

/** The names of the principals who drafted and approved the run aliased `r`: a LATERAL select. */
export const PAYOUT_RUN_NAMES_SQL = `
  SELECT (SELECT name FROM principals WHERE id = r.created_by_principal_id) AS created_by_name,
         (SELECT name FROM principals WHERE id = r.approved_by_principal_id) AS approved_by_name`;

/** Minor units as a JSON number, refusing any that would lose precision. */
export function money(value: string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`amount ${String(value)} is beyond a safe integer`);
  return n;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toPayoutItemResponse(row: PayoutItemViewRow): PayoutItemResponse {
  return {
    id: row.id,
    payeeId: row.payee_id,
    payeeName: row.payee_name,
    publisherId: row.organization_id,
    publisherName: row.publisher_name,
    amount: money(row.amount),
    currency: row.currency,
    status: row.status,
    stripeAccountId: row.stripe_account_id,
    transferId: row.transfer_id,
    attempts: row.attempts,
    errorCode: row.error_code,
    error: row.error_message,
    reversedAmount: money(row.reversed_amount),
    paidAt: iso(row.paid_at),
  };
}

/** A run's items counted by state, as SQL sums them (PAYOUT_RUN_TOTALS_SQL). */
export interface PayoutRunTotalsRow {
  items: string;
  amount: string;
  draft: string;
  pending: string;
  paid: string;
  failed: string;
  cancelled: string;
  paid_amount: string;
}

/** The totals of the run aliased `r`, from its items: a LATERAL subquery's select list. */
export const PAYOUT_RUN_TOTALS_SQL = `
  SELECT count(*) AS items, COALESCE(sum(i.amount), 0) AS amount,
         count(*) FILTER (WHERE i.status = 'draft') AS draft,
         count(*) FILTER (WHERE i.status = 'pending') AS pending,
         count(*) FILTER (WHERE i.status = 'paid') AS paid,
         count(*) FILTER (WHERE i.status = 'failed') AS failed,
         count(*) FILTER (WHERE i.status = 'cancelled') AS cancelled,
         COALESCE(sum(i.amount) FILTER (WHERE i.status = 'paid'), 0) AS paid_amount
    FROM payout_items i WHERE i.run_id = r.id`;

export function toPayoutRunSummary(
  run: PayoutRunRow & PayoutRunTotalsRow & PayoutRunNamesRow,
): PayoutRunSummaryResponse {
  return {
    id: run.id,
    status: run.status,
    currency: run.currency,
    minimumAmount: money(run.minimum_amount),
    payeeIds: run.payee_filter,
    createdBy: run.created_by_principal_id,
    createdByName: run.created_by_name,
    approvedBy: run.approved_by_principal_id,
    approvedByName: run.approved_by_name,
    createdAt: run.created_at.toISOString(),
    approvedAt: iso(run.approved_at),
    cancelledAt: iso(run.cancelled_at),
    completedAt: iso(run.completed_at),
    totals: {
      items: Number(run.items),
      amount: money(run.amount),
      draft: Number(run.draft),
      pending: Number(run.pending),
      paid: Number(run.paid),
      failed: Number(run.failed),
      cancelled: Number(run.cancelled),
      paidAmount: money(run.paid_amount),
    },
  };
}

export function toPayoutExclusionResponse(e: PayoutExclusionRow): PayoutExclusionResponse {
  return {
    payeeId: e.payee_id,
    payeeName: e.payee_name,
    publisherName: e.publisher_name,
    amount: money(e.amount),
    reason: e.reason,
  };
}

/** The run with the first page of its items and of its exclusions (a run may have 100,000s). */
export function toPayoutRunResponse(
  run: PayoutRunRow & PayoutRunTotalsRow & PayoutRunNamesRow,
  items: Page<PayoutItemResponse>,
  excluded: Page<PayoutExclusionResponse>,
): PayoutRunResponse {
  return {
    ...toPayoutRunSummary(run),
    items: items.data,
    itemsNextCursor: items.nextCursor,
    excluded: excluded.data,
    excludedNextCursor: excluded.nextCursor,
  };
}
