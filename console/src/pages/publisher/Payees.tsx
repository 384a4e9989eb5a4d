import { Button, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { PayeeForm, payeeBody } from '../../components/payees/PayeeForm';
import { PAYOUT_STATE_WORDS, payoutState } from '../../components/payees/payout-state';
import { useUrlFilters } from '../../components/use-url-filters';
import { formatTimestamp } from '../../format/dates';

type Payee = components['schemas']['PayeeListItemResponse'];

export default function Payees() {
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilters();
  const held =
    params.get('held') === 'true' || params.get('held') === 'false' ? params.get('held')! : 'all';
  const q = params.get('q')?.trim() || undefined;
  const search = useDebouncedCallback((value: string) => setFilter('q', value.trim() || null), 300);
  const [registering, setRegistering] = useState(false);

  return (
    <>
      <PageHeader
        title="Payees"
        description="Who you pay for your works: yourself, authors, agents. A payee is paid out once onboarded to Stripe and not on hold."
        actions={<Button onClick={() => setRegistering(true)}>Register a payee</Button>}
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
      </Group>
      <CursorTable<Payee>
        caption="Payees"
        queryKey={['payees', 'publisher', { held, q }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/payees', {
              params: {
                query: {
                  cursor,
                  limit: 50,
                  q,
                  held: held === 'all' ? undefined : (held as 'true' | 'false'),
                },
              },
            }),
          )
        }
        rowKey={(payee) => payee.id}
        onRowClick={(payee) => void navigate(`/publisher/payees/${payee.id}`)}
        rowLabel={(payee) => `Payee ${payee.name}`}
        empty={
          q || held !== 'all'
            ? 'No payees match these filters — clear them to see every payee.'
            : 'No payees yet — register the authors and agents you pay.'
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
                      (you, the default payee)
                    </Text>
                  )}
                </Text>
                <ShortId id={payee.id} label="payee id" />
              </Stack>
            ),
          },
          {
            key: 'contact',
            header: 'Email · country',
            render: (payee) => (
              <Text size="sm" c={payee.email || payee.country ? undefined : 'dimmed'}>
                {[payee.email, payee.country].filter(Boolean).join(' · ') || '—'}
              </Text>
            ),
          },
          { key: 'currency', header: 'Currency', render: (payee) => payee.currency ?? '—' },
          {
            key: 'payouts',
            header: 'Payouts',
            render: (payee) => {
              const state = payoutState(payee);
              return (
                <Group gap={6} wrap="nowrap">
                  <StatusBadge status={state} />
                  <Text size="xs" c="dimmed">
                    {PAYOUT_STATE_WORDS[state]}
                  </Text>
                </Group>
              );
            },
          },
          {
            key: 'hold',
            header: 'Hold',
            render: (payee) =>
              payee.hold ? (
                <Stack gap={2}>
                  <Group gap={6}>
                    <StatusBadge status="held" />
                    <Text size="xs" c="dimmed">
                      by {payee.hold.heldByRole === 'finance' ? 'finance' : 'you'}
                    </Text>
                  </Group>
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
        ]}
      />
      {registering && <RegisterPayee onClose={() => setRegistering(false)} />}
    </>
  );
}

/** Registers a payee (Idempotency-Key made when the form opens), then opens its page. */
function RegisterPayee({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: async (body: ReturnType<typeof payeeBody>) =>
      unwrap(
        await api.POST('/v1/payees', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: {
            name: body.name,
            currency: body.currency,
            ...(body.email ? { email: body.email } : {}),
            ...(body.country ? { country: body.country } : {}),
          },
        }),
      ),
    onSuccess: (payee) => {
      void queries.invalidateQueries({ queryKey: ['payees'] });
      void navigate(`/publisher/payees/${payee.id}`);
    },
  });
  return (
    <Modal
      opened
      onClose={() => {
        if (!create.isPending) onClose();
      }}
      title="Register a payee"
      size="lg"
    >
      <PayeeForm
        initial={{ name: '', email: '', country: '', currency: '' }}
        submitLabel="Register payee"
        pending={create.isPending}
        error={create.error}
        onSubmit={(fields) => create.mutate(payeeBody(fields, 'omit'))}
        onCancel={onClose}
      />
    </Modal>
  );
}
