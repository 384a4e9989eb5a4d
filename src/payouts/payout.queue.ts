export const PAYOUT_QUEUE = 'payouts';
export const SEND_PAYOUT_JOB = 'send';

export interface SendPayoutJob {
  itemId: string;
}

/** One job per item, its id derived from the item: adding it again while it waits is a no-op. */
export const payoutJobId = (itemId: string) => `payout-item-${itemId}`;
