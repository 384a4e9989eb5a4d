import type { components } from '../../api/schema';

type Collection = components['schemas']['InvoiceCollectionResponse'];

/**
 * The collection's state as one word: Stripe's status, except an invoice Stripe refused to issue,
 * which is `refused` (it waits for finance to ask again).
 */
export function collectionState(collection: Collection): string {
  if (collection.status === 'issuing' && collection.failure) return 'refused';
  return collection.status;
}

/** The hosted invoice page is where the licensee pays: only while something is still owed. */
export function payable(collection: Collection): boolean {
  return (
    collection.hostedInvoiceUrl !== null &&
    collection.outstanding > 0 &&
    (collection.status === 'open' || collection.status === 'uncollectible')
  );
}
