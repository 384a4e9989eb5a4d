import { Page } from '../common/pagination/page';
import { safeMinor as money } from '../common/money/minor-units';
import {
  PayoutExclusionResponse,
  PayoutItemResponse,
  PayoutRunResponse,
  PayoutRunSummaryResponse,
} from './dto/payout-run.dto';
import { PayoutItemRow as PayoutItemTableRow } from './payouts.tables';

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

/** A payout item as `SELECT *` returns it, its status one of those the API names. */
export interface PayoutItemRow extends Omit<PayoutItemTableRow, 'status'> {
  status: PayoutItemResponse['status'];
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
