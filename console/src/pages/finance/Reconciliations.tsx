import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { components, operations } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { dayRangeToInstants, formatInstantRange } from '../../format/date-range';
import { formatTimestamp } from '../../format/dates';

type Reconciliation = components['schemas']['ReconciliationSummaryItemResponse'];
type Status = NonNullable<
  NonNullable<operations['ReconciliationsController_list']['parameters']['query']>['status']
>;
const STATUSES: Status[] = ['running', 'completed', 'failed'];

export default function Reconciliations() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [starting, { open, close }] = useDisclosure(false);
  const status = (STATUSES as string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as Status)
    : undefined;
  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Paid payout items compared with Stripe's transfers and balance transactions over a range; each difference is listed. One runs every night for the previous day."
        actions={<Button onClick={open}>Reconcile a range</Button>}
      />
      <Group mb="sm">
        <Select
          label="Status"
          placeholder="Any status"
          data={STATUSES}
          value={status ?? null}
          onChange={(value) => setParams(value ? { status: value } : {}, { replace: true })}
          clearable
          size="xs"
          w={160}
        />
      </Group>
      <CursorTable<Reconciliation>
        caption="Reconciliations"
        queryKey={['reconciliations', { status }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/reconciliations', {
              params: { query: { cursor, limit: 50, status } },
            }),
          )
        }
        refetchInterval={(rows) => (rows.some((r) => r.status === 'running') ? 2000 : false)}
        rowKey={(r) => r.id}
        rowLabel={(r) => `Reconciliation ${formatInstantRange(r.from, r.to)} (${r.status})`}
        onRowClick={(r) => void navigate(`/finance/reconciliations/${r.id}`)}
        empty={
          status
            ? `No ${status} reconciliations — clear the filter to see them all.`
            : 'No reconciliations yet — reconcile a range to compare payouts with Stripe.'
        }
        columns={[
          { key: 'range', header: 'Range', render: (r) => formatInstantRange(r.from, r.to) },
          { key: 'currency', header: 'Currency', render: (r) => r.currency ?? 'All' },
          { key: 'status', header: 'Status', render: (r) => <StatusBadge status={r.status} /> },
          {
            key: 'matched',
            header: 'Matched',
            align: 'right',
            render: (r) => <span className="figure">{r.summary?.matched ?? '—'}</span>,
          },
          {
            key: 'differences',
            header: 'Differences',
            align: 'right',
            render: (r) => (
              <Text
                span
                size="sm"
                className="figure"
                c={r.summary?.differences ? 'red.8' : undefined}
              >
                {r.summary?.differences ?? '—'}
              </Text>
            ),
          },
          {
            key: 'requestedBy',
            header: 'Requested by',
            render: (r) =>
              r.requestedByName ?? (r.requestedBy ? <ShortId id={r.requestedBy} /> : 'Schedule'),
          },
          { key: 'created', header: 'Started', render: (r) => formatTimestamp(r.createdAt) },
          {
            key: 'id',
            header: 'Id',
            render: (r) => <ShortId id={r.id} label="reconciliation id" />,
          },
        ]}
      />
      <StartModal opened={starting} onClose={close} />
    </>
  );
}

function StartModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [range, setRange] = useState<[string | null, string | null]>([null, null]);
  const [currency, setCurrency] = useState('');
  const start = useMutation({
    mutationFn: async (body: { from: string; to: string; currency?: string }) =>
      unwrap(await api.POST('/v1/reconciliations', { body })),
    onSuccess: (r) => {
      void queries.invalidateQueries({ queryKey: ['reconciliations'] });
      void navigate(`/finance/reconciliations/${r.id}`);
    },
  });
  const code = currency.trim().toUpperCase();
  const currencyValid = code === '' || /^[A-Z]{3}$/.test(code);
  const problem = start.error instanceof ApiProblem ? start.error : null;
  const closeAndReset = () => {
    onClose();
    setRange([null, null]);
    setCurrency('');
    start.reset();
  };
  const [first, last] = range;
  return (
    <Modal opened={opened} onClose={closeAndReset} title="Reconcile a range">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!first || !currencyValid || start.isPending) return;
          start.mutate({
            ...dayRangeToInstants(first, last ?? first),
            ...(code ? { currency: code } : {}),
          });
        }}
      >
        <Stack>
          <DatePickerInput
            type="range"
            allowSingleDateInRange
            label="Days (UTC)"
            description="Transfers Stripe made from the first day's start to the last day's end"
            placeholder="Pick the first and last day"
            value={range}
            onChange={(value) => setRange(value)}
            error={problem?.fieldMessages('from') ?? problem?.fieldMessages('to')}
            required
            data-autofocus
          />
          <TextInput
            label="Currency"
            description="Only this currency; empty: every currency"
            placeholder="EUR"
            maxLength={3}
            value={currency}
            onChange={(event) => setCurrency(event.currentTarget.value.toUpperCase())}
            error={
              !currencyValid
                ? 'Three letters, an ISO 4217 code'
                : problem?.fieldMessages('currency')
            }
          />
          <ProblemAlert error={start.error} shownFields={['from', 'to', 'currency']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={closeAndReset}>
              Cancel
            </Button>
            <Button type="submit" loading={start.isPending} disabled={!first || !currencyValid}>
              Reconcile
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
