import { Button, Group, Modal, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { HoldCell, PayeeNameCell } from '../../components/payees/PayeeCells';
import { PayeeForm, payeeBody } from '../../components/payees/PayeeForm';
import { PAYOUT_STATE_WORDS, payoutState } from '../../components/payees/payout-state';
import { heldQuery, PayeeFilters, usePayeeFilters } from '../../components/payees/PayeeFilters';

type Payee = components['schemas']['PayeeListItemResponse'];

export default function Payees() {
  const navigate = useNavigate();
  const filters = usePayeeFilters();
  const { held, q } = filters;
  const [registering, setRegistering] = useState(false);

  return (
    <>
      <PageHeader
        title="Payees"
        description="Who you pay for your works: yourself, authors, agents. A payee is paid out once onboarded to Stripe and not on hold."
        actions={<Button onClick={() => setRegistering(true)}>Register a payee</Button>}
      />
      <Group mb="sm" gap="sm" align="flex-end">
        <PayeeFilters filters={filters} />
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
                  held: heldQuery(held),
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
              <PayeeNameCell payee={payee} defaultLabel="you, the default payee" />
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
            render: (payee) => <HoldCell payee={payee} audience="publisher" />,
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
