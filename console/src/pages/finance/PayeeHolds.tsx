import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { HoldCell, PayeeNameCell } from '../../components/payees/PayeeCells';
import { HoldModal, ReleaseModal } from '../../components/payees/HoldActions';
import { heldQuery, PayeeFilters, usePayeeFilters } from '../../components/payees/PayeeFilters';
import { shortForm } from '../../format/ids';

type Payee = components['schemas']['PayeeListItemResponse'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function PayeeHolds() {
  const filters = usePayeeFilters();
  const { params, setFilter, held, q } = filters;
  const publisherId = UUID.test(params.get('publisherId') ?? '')
    ? params.get('publisherId')!
    : undefined;
  const [acting, setActing] = useState<{ payee: Payee; action: 'hold' | 'release' } | null>(null);
  // The name of the publisher filtered by, when chosen from a row (the URL holds only its id).
  const [publisherLabel, setPublisherLabel] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Payee holds"
        description="Every publisher's payees. A held payee is left out of new payout runs, and its unsent items are cancelled."
      />
      <Group mb="sm" gap="sm" align="flex-end">
        <PayeeFilters filters={filters}>
          {publisherId && (
            <Badge
              variant="outline"
              color="gray"
              size="lg"
              styles={{ label: { textTransform: 'none' } }}
              rightSection={
                <Anchor
                  component="button"
                  size="xs"
                  aria-label="Show every publisher's payees"
                  onClick={() => {
                    setPublisherLabel(null);
                    setFilter('publisherId', null);
                  }}
                >
                  ✕
                </Anchor>
              }
            >
              Publisher: {publisherLabel ?? shortForm(publisherId)}
            </Badge>
          )}
        </PayeeFilters>
      </Group>
      <CursorTable<Payee>
        caption="Payees"
        queryKey={['payees', 'finance', { held, q, publisherId }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/payees', {
              params: {
                query: {
                  cursor,
                  limit: 50,
                  q,
                  publisherId,
                  held: heldQuery(held),
                },
              },
            }),
          )
        }
        rowKey={(payee) => payee.id}
        empty={
          held === 'true' && !q && !publisherId
            ? 'No payee is on hold — every onboarded payee can be paid.'
            : 'No payees match these filters — clear them to see every payee.'
        }
        columns={[
          {
            key: 'name',
            header: 'Payee',
            render: (payee) => <PayeeNameCell payee={payee} defaultLabel="the publisher itself" />,
          },
          {
            key: 'publisher',
            header: 'Publisher',
            render: (payee) => (
              <Anchor
                component="button"
                size="sm"
                aria-label={`Only payees of ${payee.publisherName}`}
                onClick={() => {
                  setPublisherLabel(payee.publisherName);
                  setFilter('publisherId', payee.publisherId);
                }}
              >
                {payee.publisherName}
              </Anchor>
            ),
          },
          {
            key: 'stripe',
            header: 'Stripe',
            render: (payee) =>
              payee.stripeAccountId ? (
                <Stack gap={0}>
                  <Text size="sm">
                    {payee.payoutsEnabled ? 'Can receive payouts' : 'Onboarding not finished'}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {payee.stripeAccountId}
                  </Text>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  Not onboarded
                </Text>
              ),
          },
          {
            key: 'hold',
            header: 'Hold',
            render: (payee) => <HoldCell payee={payee} audience="finance" />,
          },
          {
            key: 'action',
            header: <span style={{ position: 'absolute', left: -10000 }}>Action</span>,
            align: 'right',
            render: (payee) =>
              payee.hold ? (
                <Button
                  size="compact-sm"
                  variant="default"
                  aria-label={`Release hold on ${payee.name}`}
                  onClick={() => setActing({ payee, action: 'release' })}
                >
                  Release
                </Button>
              ) : (
                <Button
                  size="compact-sm"
                  variant="default"
                  color="yellow"
                  aria-label={`Hold payouts to ${payee.name}`}
                  onClick={() => setActing({ payee, action: 'hold' })}
                >
                  Hold
                </Button>
              ),
          },
        ]}
      />
      {acting?.action === 'hold' && (
        <HoldModal
          key={acting.payee.id}
          payee={acting.payee}
          audience="finance"
          onClose={() => setActing(null)}
        />
      )}
      {acting?.action === 'release' && (
        <ReleaseModal
          key={acting.payee.id}
          payee={acting.payee}
          audience="finance"
          onClose={() => setActing(null)}
        />
      )}
    </>
  );
}
