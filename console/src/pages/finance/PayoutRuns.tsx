import { shortForm } from '../../format/ids';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useUrlFilters } from '../../components/use-url-filters';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { amountForApi } from '../../format/amount-input';
import { formatTimestamp } from '../../format/dates';

type PayoutRunSummary = components['schemas']['PayoutRunSummaryResponse'];
type RunStatus = PayoutRunSummary['status'];
const STATUSES: RunStatus[] = ['draft', 'executing', 'completed', 'cancelled'];

export default function PayoutRuns() {
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilters();
  const [drafting, { open, close }] = useDisclosure(false);
  const status = (STATUSES as string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as RunStatus)
    : undefined;
  const currency = /^[A-Z]{3}$/.test(params.get('currency') ?? '')
    ? params.get('currency')!
    : undefined;

  return (
    <>
      <PageHeader
        title="Payout runs"
        description="A run pays each payee its payable balance through Stripe; a second finance principal approves it."
        actions={<Button onClick={open}>Draft a payout run</Button>}
      />
      <Group mb="sm" gap="sm" align="flex-end">
        <Select
          label="Status"
          placeholder="Any status"
          data={STATUSES}
          value={status ?? null}
          onChange={(value) => setFilter('status', value)}
          clearable
          size="xs"
          w={160}
        />
        <TextInput
          label="Currency"
          placeholder="Any, e.g. EUR"
          defaultValue={currency ?? ''}
          maxLength={3}
          size="xs"
          w={120}
          onChange={(event) => {
            const value = event.currentTarget.value.toUpperCase();
            if (value === '' || /^[A-Z]{3}$/.test(value)) setFilter('currency', value || null);
          }}
        />
      </Group>
      <CursorTable<PayoutRunSummary>
        caption="Payout runs"
        queryKey={['payout-runs', { status, currency }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/payout-runs', {
              params: { query: { cursor, limit: 50, status, currency } },
            }),
          )
        }
        refetchInterval={(rows) => (rows.some((run) => run.status === 'executing') ? 2000 : false)}
        rowKey={(run) => run.id}
        rowLabel={(run) => `Payout run ${run.currency} ${shortForm(run.id)} (${run.status})`}
        onRowClick={(run) => void navigate(`/finance/payout-runs/${run.id}`)}
        empty={
          status || currency
            ? 'No payout runs match these filters — clear them to see every run.'
            : 'No payout runs yet — draft one for a currency to see who would be paid.'
        }
        columns={[
          { key: 'status', header: 'Status', render: (run) => <StatusBadge status={run.status} /> },
          { key: 'currency', header: 'Currency', render: (run) => run.currency },
          {
            key: 'payees',
            header: 'Payees',
            align: 'right',
            render: (run) => <span className="figure">{run.totals.items}</span>,
          },
          {
            key: 'amount',
            header: 'Amount',
            align: 'right',
            render: (run) => <Money minor={run.totals.amount} currency={run.currency} size="sm" />,
          },
          {
            key: 'paid',
            header: 'Paid',
            align: 'right',
            render: (run) => (
              <Money minor={run.totals.paidAmount} currency={run.currency} size="sm" />
            ),
          },
          {
            key: 'failed',
            header: 'Failed',
            align: 'right',
            render: (run) => (
              <Text span size="sm" className="figure" c={run.totals.failed ? 'red.8' : undefined}>
                {run.totals.failed}
              </Text>
            ),
          },
          {
            key: 'createdBy',
            header: 'Drafted by',
            render: (run) =>
              run.createdByName ?? <ShortId id={run.createdBy} label="principal id" />,
          },
          {
            key: 'approvedBy',
            header: 'Approved by',
            render: (run) =>
              run.approvedBy ? (
                (run.approvedByName ?? <ShortId id={run.approvedBy} label="principal id" />)
              ) : (
                <Text span c="dimmed" size="sm">
                  —
                </Text>
              ),
          },
          { key: 'created', header: 'Created', render: (run) => formatTimestamp(run.createdAt) },
          { key: 'id', header: 'Run', render: (run) => <ShortId id={run.id} label="run id" /> },
        ]}
      />
      <DraftRunModal opened={drafting} onClose={close} />
    </>
  );
}

function DraftRunModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [currency, setCurrency] = useState('');
  const [minimum, setMinimum] = useState('');
  const [touched, setTouched] = useState(false);
  // One key per opening of the form: a double click or a retry after a timeout drafts one run.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const draft = useMutation({
    mutationFn: async (body: { currency: string; minimumAmount?: number }) =>
      unwrap(
        await api.POST('/v1/payout-runs', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: (run) => {
      void queries.invalidateQueries({ queryKey: ['payout-runs'] });
      void navigate(`/finance/payout-runs/${run.id}`);
    },
  });
  const code = currency.trim().toUpperCase();
  const currencyError =
    touched && !/^[A-Z]{3}$/.test(code) ? 'Three letters, an ISO 4217 code (EUR)' : undefined;
  const amount = minimum.trim() === '' ? null : amountForApi(minimum, code);
  const problem = draft.error instanceof ApiProblem ? draft.error : null;
  const closeAndReset = () => {
    onClose();
    setCurrency('');
    setMinimum('');
    setTouched(false);
    draft.reset();
    setIdempotencyKey(newIdempotencyKey());
  };
  const canSubmit = /^[A-Z]{3}$/.test(code) && !amount?.error;

  return (
    <Modal opened={opened} onClose={closeAndReset} title="Draft a payout run">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (!canSubmit || draft.isPending) return;
          draft.mutate({
            currency: code,
            ...(amount?.minor ? { minimumAmount: amount.minor } : {}),
          });
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            The draft lists every payee with a payable balance in the currency, and who is left out
            and why. Nothing is paid until a second finance principal approves it.
          </Text>
          <TextInput
            label="Currency"
            description="ISO 4217 code of the balances to pay"
            placeholder="EUR"
            value={currency}
            maxLength={3}
            onChange={(event) => setCurrency(event.currentTarget.value.toUpperCase())}
            onBlur={() => setTouched(true)}
            error={currencyError ?? problem?.fieldMessages('currency')}
            required
            data-autofocus
          />
          <TextInput
            label="Minimum amount"
            description={`Least payable balance worth a transfer, in ${code || 'the currency'}; empty: any amount`}
            placeholder="50.00"
            inputMode="decimal"
            value={minimum}
            onChange={(event) => setMinimum(event.currentTarget.value)}
            error={
              (amount?.error && /^[A-Z]{3}$/.test(code) ? amount.error : undefined) ??
              problem?.fieldMessages('minimumAmount')
            }
          />
          <ProblemAlert error={draft.error} shownFields={['currency', 'minimumAmount']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={closeAndReset}>
              Cancel
            </Button>
            <Button type="submit" loading={draft.isPending} disabled={!canSubmit}>
              Draft run
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
