import { useUrlFilters } from '../../components/use-url-filters';
import { shortForm } from '../../format/ids';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ConfirmAction } from '../../components/ConfirmAction';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../format/dates';

type Payee = components['schemas']['PayeeListItemResponse'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function PayeeHolds() {
  const [params, setFilter] = useUrlFilters();
  const held =
    params.get('held') === 'true' || params.get('held') === 'false' ? params.get('held')! : 'all';
  const q = params.get('q')?.trim() || undefined;
  const publisherId = UUID.test(params.get('publisherId') ?? '')
    ? params.get('publisherId')!
    : undefined;
  const [acting, setActing] = useState<{ payee: Payee; action: 'hold' | 'release' } | null>(null);
  const search = useDebouncedCallback((value: string) => setFilter('q', value.trim() || null), 300);
  // The name of the publisher filtered by, when chosen from a row (the URL holds only its id).
  const [publisherLabel, setPublisherLabel] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Payee holds"
        description="Every publisher's payees. A held payee is left out of new payout runs, and its unsent items are cancelled."
      />
      <Group mb="sm" gap="sm" align="flex-end">
        <TextInput
          label="Name"
          placeholder="Part of a payee's name"
          defaultValue={q ?? ''}
          onChange={(event) => search(event.currentTarget.value)}
          size="xs"
          w={240}
        />
        <Stack gap={2}>
          <Text size="xs" fw={500} id="hold-filter-label">
            Hold
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="hold-filter-label"
            value={held}
            onChange={(value) => setFilter('held', value === 'all' ? null : value)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'true', label: 'On hold' },
              { value: 'false', label: 'Not held' },
            ]}
          />
        </Stack>
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
                  held: held === 'all' ? undefined : (held as 'true' | 'false'),
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
            render: (payee) => (
              <Stack gap={0}>
                <Text size="sm">
                  {payee.name}
                  {payee.isDefault && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (the publisher itself)
                    </Text>
                  )}
                </Text>
                <ShortId id={payee.id} label="payee id" />
              </Stack>
            ),
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
            render: (payee) =>
              payee.hold ? (
                <Stack gap={2}>
                  <StatusBadge status="held" />
                  <Text size="xs">{payee.hold.reason}</Text>
                  <Text size="xs" c="dimmed">
                    since {formatTimestamp(payee.hold.heldAt)}
                  </Text>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  —
                </Text>
              ),
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
        <HoldModal key={acting.payee.id} payee={acting.payee} onClose={() => setActing(null)} />
      )}
      {acting?.action === 'release' && (
        <ReleaseModal key={acting.payee.id} payee={acting.payee} onClose={() => setActing(null)} />
      )}
    </>
  );
}

function HoldModal({ payee, onClose }: { payee: Payee; onClose: () => void }) {
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const hold = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/payees/{id}/hold', {
          params: { path: { id: payee.id } },
          body: { reason },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['payees'] });
      onClose();
    },
  });
  const problem = hold.error instanceof ApiProblem ? hold.error : null;
  return (
    <Modal opened onClose={onClose} title={`Hold payouts to ${payee.name}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!hold.isPending && reason.trim()) hold.mutate();
        }}
      >
        <Stack>
          <Text size="sm">
            {payee.name} ({payee.publisherName}) will be left out of new payout runs; items of
            approved runs not yet sent to Stripe are cancelled and their money stays payable.
          </Text>
          <Textarea
            label="Reason"
            description="Shown to finance and kept in the audit log"
            placeholder="Tax form W-8BEN missing"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            required
            data-autofocus
            error={problem?.fieldMessages('reason')}
          />
          <ProblemAlert error={hold.error} shownFields={['reason']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="yellow"
              loading={hold.isPending}
              disabled={!reason.trim() || hold.isPending}
            >
              Hold payouts
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ReleaseModal({ payee, onClose }: { payee: Payee; onClose: () => void }) {
  const queries = useQueryClient();
  const release = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/payees/{id}/release', { params: { path: { id: payee.id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['payees'] });
      onClose();
    },
  });
  return (
    <ConfirmAction
      opened
      onClose={onClose}
      title={`Release hold on ${payee.name}`}
      confirmLabel="Release hold"
      pending={release.isPending}
      error={release.error}
      onConfirm={() => release.mutate()}
    >
      <Text size="sm">
        {payee.name} ({payee.publisherName}) will be included in the next payout runs again.
      </Text>
      {payee.hold && (
        <Text size="sm" c="dimmed">
          Held since {formatTimestamp(payee.hold.heldAt)}: {payee.hold.reason}
        </Text>
      )}
    </ConfirmAction>
  );
}
