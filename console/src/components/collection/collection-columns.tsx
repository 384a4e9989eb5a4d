import { Anchor, Group, Stack, Text } from '@mantine/core';
import type { Column } from '../CursorTable';
import { StatusBadge } from '../StatusBadge';
import { collectionState, payable } from './collection-state';
import type { Collection } from './collections';

/** What a row shows of an invoice collected through Stripe. */
interface Collected {
  id: string;
  collection: Collection | null;
}

function State({ collection, showFailure }: { collection: Collection; showFailure: boolean }) {
  return (
    <Stack gap={2} align="flex-start">
      <Group gap={6} wrap="nowrap">
        <StatusBadge status={collectionState(collection)} />
        {collection.number && (
          <Text span size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
            {collection.number}
          </Text>
        )}
      </Group>
      {showFailure && collection.failure && (
        <Text size="xs" c="red.9" maw={240} data-testid="collection-failure">
          {collection.failure}
        </Text>
      )}
    </Stack>
  );
}

/** "Pay" (the hosted invoice page, while something is owed) or "View", and the PDF. */
function Documents({ id, collection: c }: { id: string; collection: Collection }) {
  if (!c.hostedInvoiceUrl && !c.invoicePdf) return null;
  const name = c.number ?? id;
  const link = { target: '_blank', rel: 'noopener noreferrer', size: 'sm' } as const;
  return (
    <Group gap="xs" wrap="nowrap" component="span">
      {c.hostedInvoiceUrl &&
        (payable(c) ? (
          <Anchor
            href={c.hostedInvoiceUrl}
            {...link}
            fw={600}
            aria-label={`Pay invoice ${name} on Stripe`}
          >
            Pay
          </Anchor>
        ) : (
          <Anchor href={c.hostedInvoiceUrl} {...link} aria-label={`Invoice ${name} on Stripe`}>
            View
          </Anchor>
        ))}
      {c.invoicePdf && (
        <Anchor href={c.invoicePdf} {...link} aria-label={`PDF of invoice ${name}`}>
          PDF
        </Anchor>
      )}
    </Group>
  );
}

const notThroughStripe = (
  <Text span size="xs" c="dimmed">
    not through Stripe
  </Text>
);

/**
 * An invoice's collection through Stripe as table columns, the same for the licensee and finance:
 * its state (and Stripe's number), its due day, and the hosted invoice page ("Pay") and PDF.
 * `compact`: all of it in one column (finance's wide table); `showFailure`: what Stripe refused,
 * under the state.
 */
export function collectionColumns<T extends Collected>({
  showFailure = false,
  compact = false,
}: { showFailure?: boolean; compact?: boolean } = {}): Column<T>[] {
  if (compact) {
    return [
      {
        key: 'collection',
        header: 'Stripe',
        render: (i) =>
          i.collection ? (
            <Stack gap={2} align="flex-start">
              <State collection={i.collection} showFailure={showFailure} />
              {(i.collection.dueOn || i.collection.hostedInvoiceUrl) && (
                <Group gap="xs" wrap="nowrap">
                  {i.collection.dueOn && (
                    <Text span size="xs" className="figure">
                      due {i.collection.dueOn}
                    </Text>
                  )}
                  <Documents id={i.id} collection={i.collection} />
                </Group>
              )}
            </Stack>
          ) : (
            notThroughStripe
          ),
      },
    ];
  }
  return [
    {
      key: 'collection',
      header: 'Stripe',
      render: (i) =>
        i.collection ? (
          <State collection={i.collection} showFailure={showFailure} />
        ) : (
          notThroughStripe
        ),
    },
    {
      key: 'due',
      header: 'Due',
      render: (i) => (
        <Text span size="sm" className="figure" style={{ whiteSpace: 'nowrap' }}>
          {i.collection?.dueOn ?? '—'}
        </Text>
      ),
    },
    {
      key: 'documents',
      header: 'Documents',
      render: (i) => (i.collection ? <Documents id={i.id} collection={i.collection} /> : null),
    },
  ];
}
