export const COLLECTION_QUEUE = 'collection';

/** Issue one posted invoice through Stripe. */
export const ISSUE_INVOICE_JOB = 'issue-invoice';
/** Give one credit note back to its licensee (refund or balance credit). */
export const ISSUE_CREDIT_JOB = 'issue-credit';
/**
 * Read the marked Stripe invoices again and apply what they say, until none is due: one at a
 * time (a fixed id), added on every mark (a no-op while one is queued or running).
 */
export const DRAIN_SYNCS_JOB = 'drain-syncs';
/** Read one charge's refunds again (charge.refunded). */
export const SYNC_CHARGE_JOB = 'sync-charge';
/** Tell Stripe of payments recorded by hand, so it does not collect them again. */
export const TELL_OUT_OF_BAND_JOB = 'tell-out-of-band';

export type CollectionJob =
  | { name: typeof ISSUE_INVOICE_JOB; data: { invoiceId: string } }
  | { name: typeof ISSUE_CREDIT_JOB; data: { creditId: string } }
  | { name: typeof DRAIN_SYNCS_JOB; data: { later?: true } }
  | { name: typeof SYNC_CHARGE_JOB; data: { chargeId: string; eventId: string } }
  | { name: typeof TELL_OUT_OF_BAND_JOB; data: { invoiceId: string; paymentId: string } };

/**
 * Job ids derive from what they process, so adding one still queued is a no-op. The drain's id
 * is fixed: a mark made while it runs is left for it or, if it has finished its last claim,
 * found by the check made once it is gone (CollectionProcessor).
 */
export const collectionJobId = (job: CollectionJob): string => {
  switch (job.name) {
    case ISSUE_INVOICE_JOB:
      return `issue-invoice-${job.data.invoiceId}`;
    case ISSUE_CREDIT_JOB:
      return `issue-credit-${job.data.creditId}`;
    case DRAIN_SYNCS_JOB:
      // The one for marks put back after a failed read has an id of its own, so that while it
      // waits for them the drain an event asks for is not taken for it.
      return job.data.later ? 'drain-syncs-later' : 'drain-syncs';
    case SYNC_CHARGE_JOB:
      return `sync-charge-${job.data.chargeId}-${job.data.eventId}`;
    case TELL_OUT_OF_BAND_JOB:
      return `tell-out-of-band-${job.data.invoiceId}-${job.data.paymentId}`;
  }
};

export const issueInvoiceJob = (invoiceId: string): CollectionJob => ({
  name: ISSUE_INVOICE_JOB,
  data: { invoiceId },
});
export const issueCreditJob = (creditId: string): CollectionJob => ({
  name: ISSUE_CREDIT_JOB,
  data: { creditId },
});
export const drainSyncsJob = (later?: true): CollectionJob => ({
  name: DRAIN_SYNCS_JOB,
  data: later ? { later } : {},
});
