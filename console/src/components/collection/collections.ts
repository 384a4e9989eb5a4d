import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { Page } from '../CursorTable';

export type Collection = components['schemas']['InvoiceCollectionResponse'];

/** An invoice of a page with its collection through Stripe (null: not collected through Stripe). */
export type WithCollection<T> = T & { collection: Collection | null };

/**
 * A page of invoices with the Stripe side of each, read in one request for the whole page
 * (`GET /v1/collection/invoices?ids=`), never one per row.
 */
export async function withCollections<T extends { id: string }>(
  page: Page<T>,
): Promise<Page<WithCollection<T>>> {
  const ids = page.data.map((invoice) => invoice.id);
  const found =
    ids.length === 0
      ? []
      : unwrap(
          await api.GET('/v1/collection/invoices', {
            params: { query: { ids: ids.join(',') } },
          }),
        ).data;
  const byInvoice = new Map(found.map((c) => [c.invoiceId, c]));
  return {
    ...page,
    data: page.data.map((invoice) => ({
      ...invoice,
      collection: byInvoice.get(invoice.id) ?? null,
    })),
  };
}

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
