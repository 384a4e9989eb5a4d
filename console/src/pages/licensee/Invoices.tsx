import { Anchor, Group, SegmentedControl } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { collectionColumns } from '../../components/collection/collection-columns';
import { withCollections, type WithCollection } from '../../components/collection/collections';
import { invoiceFigureColumns } from '../../components/invoice-figures';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { useUrlFilters } from '../../components/use-url-filters';
import { formatPeriod } from '../../format/dates';
import { shortForm } from '../../format/ids';

type Invoice = WithCollection<components['schemas']['InvoiceResponse']>;
type StatusFilter = 'all' | 'outstanding' | 'paid';

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'outstanding', label: 'Outstanding' },
  { value: 'paid', label: 'Paid' },
];

const EMPTY: Record<StatusFilter, string> = {
  all: 'No invoices yet — an invoice is issued for each agreement when a royalty run of a period you reported is posted.',
  outstanding: 'Nothing outstanding: every invoice issued to you is paid.',
  paid: 'No invoice is paid in full yet.',
};

export default function Invoices() {
  const [filters, setFilter] = useUrlFilters();
  const requested = filters.get('status');
  const status = FILTERS.find((f) => f.value === requested)?.value ?? 'all';

  return (
    <>
      <PageHeader
        title="Invoices"
        description="What you owe each publisher per agreement and period, what has been received, and what is still outstanding. Stripe sends each invoice: pay it on its Stripe page, or it is charged to the payment method on file."
      />
      <Group mb="md">
        <SegmentedControl
          aria-label="Invoices to show"
          size="sm"
          value={status}
          onChange={(value) => setFilter('status', value === 'all' ? null : value)}
          data={FILTERS}
        />
      </Group>
      <CursorTable<Invoice>
        caption={`${FILTERS.find((f) => f.value === status)?.label} invoices`}
        queryKey={['licensee-invoices', { status }]}
        fetchPage={async (cursor) =>
          withCollections(
            unwrap(
              await api.GET('/v1/invoices', { params: { query: { status, cursor, limit: 50 } } }),
            ),
          )
        }
        rowKey={(i) => i.id}
        empty={EMPTY[status]}
        columns={[
          { key: 'publisher', header: 'Publisher', render: (i) => i.publisherName },
          {
            key: 'period',
            header: 'Period',
            render: (i) => formatPeriod(i.periodStart, i.periodEnd),
          },
          {
            key: 'agreement',
            header: 'Agreement',
            render: (i) => (
              <Anchor
                component={Link}
                to={`/licensee/agreements/${i.agreementId}`}
                size="sm"
                ff="monospace"
                aria-label={`Agreement ${i.agreementId}`}
              >
                {shortForm(i.agreementId)}
              </Anchor>
            ),
          },
          ...invoiceFigureColumns<Invoice>(),
          ...collectionColumns<Invoice>(),
          { key: 'id', header: 'Invoice', render: (i) => <ShortId id={i.id} label="invoice id" /> },
        ]}
      />
    </>
  );
}
