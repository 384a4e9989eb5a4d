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
