export const COLLECTION_QUEUE = 'collection';

/** Issue one posted invoice through Stripe. */
export const ISSUE_INVOICE_JOB = 'issue-invoice';
/** Give one credit note back to its licensee (refund or balance credit). */
export const ISSUE_CREDIT_JOB = 'issue-credit';
/** Read one Stripe invoice again and apply what it says (an event named it). */
export const SYNC_INVOICE_JOB = 'sync-invoice';
/** Read one charge's refunds again (charge.refunded). */
export const SYNC_CHARGE_JOB = 'sync-charge';
/** Tell Stripe of payments recorded by hand, so it does not collect them again. */
export const TELL_OUT_OF_BAND_JOB = 'tell-out-of-band';

export type CollectionJob =
  | { name: typeof ISSUE_INVOICE_JOB; data: { invoiceId: string } }
  | { name: typeof ISSUE_CREDIT_JOB; data: { creditId: string } }
  | { name: typeof SYNC_INVOICE_JOB; data: { stripeInvoiceId: string; mark: string } }
  | { name: typeof SYNC_CHARGE_JOB; data: { chargeId: string; eventId: string } }
  | { name: typeof TELL_OUT_OF_BAND_JOB; data: { invoiceId: string; paymentId: string } };

/**
 * Job ids derive from what they process, so adding one still queued is a no-op. A sync's id
 * carries its mark: an event after a read began gets a job of its own.
 */
export const collectionJobId = (job: CollectionJob): string => {
  switch (job.name) {
    case ISSUE_INVOICE_JOB:
      return `issue-invoice-${job.data.invoiceId}`;
    case ISSUE_CREDIT_JOB:
      return `issue-credit-${job.data.creditId}`;
    case SYNC_INVOICE_JOB:
      return `sync-invoice-${job.data.stripeInvoiceId}-${job.data.mark}`;
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
export const syncInvoiceJob = (stripeInvoiceId: string, mark: string): CollectionJob => ({
  name: SYNC_INVOICE_JOB,
  data: { stripeInvoiceId, mark },
});
