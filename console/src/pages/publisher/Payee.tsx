import { Alert, Anchor, Button, Modal, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { FactGrid } from '../../components/FactGrid';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { AdvanceModal, type Advance } from '../../components/payees/AdvanceModal';
import { HoldModal, heldByWords, ReleaseModal } from '../../components/payees/HoldActions';
import { PayeeBalances } from '../../components/payees/PayeeBalances';
import { PayeeForm, payeeBody, type PayeeFields } from '../../components/payees/PayeeForm';
import { StripeOnboarding } from '../../components/payees/StripeOnboarding';
import { formatTimestamp } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';

type Payee = components['schemas']['PayeeListItemResponse'];

export default function PayeePage() {
  const { id = '' } = useParams();
  const payee = useQuery({
    queryKey: ['payees', id],
    queryFn: async () => unwrap(await api.GET('/v1/payees/{id}', { params: { path: { id } } })),
  });
  if (payee.isPending) return <PageLoader />;
  if (isProblem(payee.error) && payee.error.status === 404) return <NotFound what="payee" />;
  if (payee.error || !payee.data) {
    return (
      <>
        <PageHeader title="Payee" />
        <ProblemAlert error={payee.error} />
      </>
    );
  }
  return <PayeeDetail payee={payee.data} />;
}

type Dialog = 'edit' | 'hold' | 'release' | 'advance' | null;

function PayeeDetail({ payee }: { payee: Payee }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [recorded, setRecorded] = useState<Advance | null>(null);
  const close = () => setDialog(null);
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/publisher/payees">
          Payees
        </Anchor>{' '}
        / {payee.name}
      </Text>
      <PageHeader
        title={payee.name}
        description={
          payee.isDefault
            ? 'You, the default payee: paid for works registered without splits, and repaid the advances your payees owe.'
            : 'A payee of your works'
        }
        actions={
          <>
            <Button variant="default" onClick={() => setDialog('edit')}>
              Edit
            </Button>
            {!payee.isDefault && (
              <Button variant="default" onClick={() => setDialog('advance')}>
                Record an advance
              </Button>
            )}
            {payee.hold ? (
              <Button variant="default" onClick={() => setDialog('release')}>
                Release hold
              </Button>
            ) : (
              <Button variant="default" onClick={() => setDialog('hold')}>
                Hold payouts
              </Button>
            )}
          </>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Payee"
            facts={[
              { label: 'Email', value: payee.email ?? '—' },
              { label: 'Country', value: payee.country ?? '—' },
              { label: 'Currency', value: payee.currency ?? '—' },
              { label: 'Payee id', value: <ShortId id={payee.id} label="payee id" /> },
              { label: 'Version', value: payee.version },
              { label: 'Changed', value: formatTimestamp(payee.updatedAt) },
            ]}
          />
        </Paper>
        {payee.hold && (
          <Alert
            color="yellow"
            variant="light"
            title={`On hold — placed by ${heldByWords(payee.hold.heldByRole, 'publisher')}`}
          >
            <Stack gap={4}>
              <Text size="sm">
                <StatusBadge status="held" /> {payee.hold.reason}
              </Text>
              <Text size="xs">
                Since {formatTimestamp(payee.hold.heldAt)}. No payout is made while the hold lasts;
                the money stays payable.
                {payee.hold.heldByRole === 'finance' && ' Only finance can release this hold.'}
              </Text>
            </Stack>
          </Alert>
        )}
        {recorded && (
          <Alert
            color="green"
            variant="light"
            title="Advance recorded"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => setRecorded(null)}
          >
            <Text size="sm">
              {formatMoney(recorded.amount, recorded.currency)} paid on {recorded.paidOn}
              {recorded.reference ? ` (${recorded.reference})` : ''}. Outstanding in{' '}
              {recorded.currency}: {formatMoney(recorded.outstanding, recorded.currency)}.
            </Text>
          </Alert>
        )}
        <StripeOnboarding payee={payee} />
        <PayeeBalances payeeId={payee.id} />
      </Stack>
      {dialog === 'edit' && <EditPayee payee={payee} onClose={close} />}
      {dialog === 'hold' && <HoldModal payee={payee} audience="publisher" onClose={close} />}
      {dialog === 'release' && <ReleaseModal payee={payee} audience="publisher" onClose={close} />}
      {dialog === 'advance' && (
        <AdvanceModal
          payee={payee}
          onClose={close}
          onRecorded={(advance) => {
            setRecorded(advance);
            close();
          }}
        />
      )}
    </>
  );
}

/** PATCH with only the fields changed, and If-Match the version shown (412 if it moved since). */
function EditPayee({ payee, onClose }: { payee: Payee; onClose: () => void }) {
  const queries = useQueryClient();
  const initial: PayeeFields = {
    name: payee.name,
    email: payee.email ?? '',
    country: payee.country ?? '',
    currency: payee.currency ?? '',
  };
  const update = useMutation({
    mutationFn: async (fields: PayeeFields) => {
      const next = payeeBody(fields, 'null');
      const before = payeeBody(initial, 'null');
      const body = Object.fromEntries(
        Object.entries(next).filter(
          ([field, value]) => before[field as keyof PayeeFields] !== value,
        ),
      );
      return unwrap(
        await api.PATCH('/v1/payees/{id}', {
          params: { path: { id: payee.id }, header: { 'If-Match': String(payee.version) } },
          body,
        }),
      );
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['payees'] });
      onClose();
    },
  });
  const stale = isProblem(update.error, 'precondition-failed');
  return (
    <Modal
      opened
      onClose={() => {
        if (!update.isPending) onClose();
      }}
      title={`Edit ${payee.name}`}
      size="lg"
    >
      {stale && (
        <Text size="sm" mb="sm">
          Someone changed this payee since you opened it: close and open the form again to see their
          change.
        </Text>
      )}
      <PayeeForm
        initial={initial}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(fields) => update.mutate(fields)}
        onCancel={onClose}
      />
    </Modal>
  );
}
