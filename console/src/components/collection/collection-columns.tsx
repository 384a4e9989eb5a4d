import { Anchor, Group, Stack, Text } from '@mantine/core';
import type { Column } from '../CursorTable';
import { StatusBadge } from '../StatusBadge';
import { collectionState, payable, type Collection } from './collections';

/** What a row shows of an invoice collected through Stripe. */
interface Collected {
  id: string;
  collection: Collection | null;
}

/**
 * An invoice's collection through Stripe as table columns, the same for the licensee and finance:
 * its state (and Stripe's number), its due day, and the hosted invoice page ("Pay") and PDF.
 * `showFailure`: finance reads what Stripe refused under the state.
 */
export function collectionColumns<T extends Collected>({
  showFailure = false,
}: { showFailure?: boolean } = {}): Column<T>[] {
  return [
    {
      key: 'collection',
      header: 'Stripe',
      render: (i) =>
        i.collection ? (
          <Stack gap={2} align="flex-start">
            <StatusBadge status={collectionState(i.collection)} />
            {i.collection.number && (
              <Text size="xs" c="dimmed" ff="monospace">
                {i.collection.number}
              </Text>
            )}
            {showFailure && i.collection.failure && (
              <Text size="xs" c="red.9" maw={220} data-testid="collection-failure">
                {i.collection.failure}
              </Text>
            )}
          </Stack>
        ) : (
          <Text span size="xs" c="dimmed">
            not through Stripe
          </Text>
        ),
    },
    {
      key: 'due',
      header: 'Due',
      render: (i) => (
        <Text span size="sm" className="figure">
          {i.collection?.dueOn ?? '—'}
        </Text>
      ),
    },
    {
      key: 'documents',
      header: 'Documents',
      render: (i) => {
        const c = i.collection;
        if (!c || (!c.hostedInvoiceUrl && !c.invoicePdf)) return null;
        const name = c.number ?? i.id;
        return (
          <Group gap="xs" wrap="nowrap">
            {payable(c) && (
              <Anchor
                href={c.hostedInvoiceUrl!}
                target="_blank"
                rel="noopener noreferrer"
                size="sm"
                fw={600}
                aria-label={`Pay invoice ${name} on Stripe`}
              >
                Pay
              </Anchor>
            )}
            {!payable(c) && c.hostedInvoiceUrl && (
              <Anchor
                href={c.hostedInvoiceUrl}
                target="_blank"
                rel="noopener noreferrer"
                size="sm"
                aria-label={`Invoice ${name} on Stripe`}
              >
                View
              </Anchor>
            )}
            {c.invoicePdf && (
              <Anchor
                href={c.invoicePdf}
                target="_blank"
                rel="noopener noreferrer"
                size="sm"
                aria-label={`PDF of invoice ${name}`}
              >
                PDF
              </Anchor>
            )}
          </Group>
        );
      },
    },
  ];
}
