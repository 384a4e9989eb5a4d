import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { formatTimestamp } from '../../format/dates';
import { ConfirmAction } from '../ConfirmAction';
import { ProblemAlert } from '../ProblemAlert';

type Payee = components['schemas']['PayeeListItemResponse'];

/** Invalidates what shows a payee's hold: its page and the lists. */
function useRefreshPayees() {
  const queries = useQueryClient();
  return () => void queries.invalidateQueries({ queryKey: ['payees'] });
}

/** Who is looking: finance (any publisher's payee) or the payee's own publisher. */
export type HoldAudience = 'finance' | 'publisher';

/** Who placed a hold, as the audience reads it. */
export function heldByWords(heldByRole: 'finance' | 'publisher', audience: HoldAudience): string {
  if (heldByRole === audience) return audience === 'finance' ? 'finance' : 'you';
  return heldByRole === 'finance' ? 'finance' : 'the publisher';
}

/**
 * Hold a payee's payouts, with the reason the API records and audits: finance any payee, a
 * publisher its own.
 */
export function HoldModal({
  payee,
  audience,
  onClose,
}: {
  payee: Payee;
  audience: HoldAudience;
  onClose: () => void;
}) {
  const who = audience === 'finance' ? `${payee.name} (${payee.publisherName})` : payee.name;
  const refresh = useRefreshPayees();
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
      refresh();
      onClose();
    },
  });
  const problem = isProblem(hold.error) ? hold.error : null;
  return (
    <Modal
      opened
      onClose={() => {
        if (!hold.isPending) onClose();
      }}
      title={`Hold payouts to ${payee.name}`}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!hold.isPending && reason.trim()) hold.mutate();
        }}
      >
        <Stack>
          <Text size="sm">
            {who} will be left out of new payout runs; items of approved runs not yet sent to Stripe
            are cancelled and their money stays payable.
          </Text>
          <Textarea
            label="Reason"
            description={
              audience === 'finance'
                ? 'Shown to finance and the publisher, and kept in the audit log'
                : 'Shown to you and finance, and kept in the audit log'
            }
            placeholder={
              audience === 'finance' ? 'Tax form W-8BEN missing' : 'Contract under review'
            }
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
            <Button variant="default" onClick={onClose} disabled={hold.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
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

/**
 * Release a hold, after restating it. A publisher releasing a hold finance placed is refused by
 * the API (409 `payee-hold-placed-by-finance`), shown in its words.
 */
export function ReleaseModal({
  payee,
  audience,
  onClose,
}: {
  payee: Payee;
  audience: HoldAudience;
  onClose: () => void;
}) {
  const who = audience === 'finance' ? `${payee.name} (${payee.publisherName})` : payee.name;
  const refresh = useRefreshPayees();
  const release = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/payees/{id}/release', { params: { path: { id: payee.id } } })),
    onSuccess: () => {
      refresh();
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
      <Text size="sm">{who} will be included in the next payout runs again.</Text>
      {payee.hold && (
        <Text size="sm" c="dimmed">
          Held by {heldByWords(payee.hold.heldByRole, audience)} since{' '}
          {formatTimestamp(payee.hold.heldAt)}: {payee.hold.reason}
        </Text>
      )}
    </ConfirmAction>
  );
}
