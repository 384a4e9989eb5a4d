import {
  Alert,
  Button,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ConfirmAction } from '../../components/ConfirmAction';
import { CursorTable } from '../../components/CursorTable';
import { FigureGrid } from '../../components/FigureGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { formatDuration, transferRate } from '../../format/progress';
import { PageLoader } from '../../layout/PageLoader';
import { useSession } from '../../session/session-context';
import { NotFound } from '../NotFound';

type PayoutRun = components['schemas']['PayoutRunResponse'];
type PayoutItem = components['schemas']['PayoutItemResponse'];
type PayoutExclusion = components['schemas']['PayoutExclusionResponse'];
type ItemStatus = PayoutItem['status'];
const ITEM_STATUSES: ItemStatus[] = ['draft', 'pending', 'paid', 'failed', 'cancelled'];

/** Why a payee was left out, in words (the API's reason codes, docs/PAYOUTS.md). */
const EXCLUSION_REASONS: Record<string, string> = {
  'nothing-payable': 'Nothing payable in this currency',
  'below-minimum': "Payable balance below the run's minimum",
  'on-hold': 'Payee on hold',
  'not-onboarded': 'No Stripe account yet',
  'payouts-not-enabled': 'Stripe account cannot receive payouts yet',
};

const FOUR_EYES_EXPLANATION =
  'Four eyes: a second finance principal must approve the run you drafted';

export default function PayoutRun() {
  const { id = '' } = useParams();
  const run = useQuery({
    queryKey: ['payout-run', id],
    queryFn: async () =>
      unwrap(await api.GET('/v1/payout-runs/{id}', { params: { path: { id } } })),
    // Live while it pays: every second, stopping when the run ends.
    refetchInterval: (query) => (query.state.data?.status === 'executing' ? 1000 : false),
  });
  if (isProblem(run.error) && run.error.status === 404) return <NotFound what="payout run" />;
  if (run.error) return <ProblemAlert error={run.error} />;
  if (!run.data) return <PageLoader />;
  return <PayoutRunDetail run={run.data} />;
}

function PayoutRunDetail({ run }: { run: PayoutRun }) {
  const session = useSession();
  const money = (minor: number) => formatMoney(minor, run.currency);
  const draftedByMe = session.principal.id === run.createdBy;
  const live = run.status === 'executing';

  return (
    <>
      <Text size="sm" mb={4}>
        <Link to="/finance/payout-runs">Payout runs</Link> /
      </Text>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>Payout run · {run.currency}</span>
            <StatusBadge status={run.status} />
          </Group>
        }
        description={
          <Group gap="xs" component="span">
            <ShortId id={run.id} label="run id" />
            <span>
              drafted by {run.createdByName ?? 'an unknown principal'} on{' '}
              {formatTimestamp(run.createdAt)}
              {run.approvedAt &&
                ` · approved by ${run.approvedByName ?? 'an unknown principal'} on ${formatTimestamp(run.approvedAt)}`}
              {run.completedAt && ` · completed ${formatTimestamp(run.completedAt)}`}
              {run.cancelledAt && ` · cancelled ${formatTimestamp(run.cancelledAt)}`}
            </span>
          </Group>
        }
        actions={<RunActions run={run} draftedByMe={draftedByMe} />}
      />
      {run.status === 'draft' && draftedByMe && (
        <Alert
          id="four-eyes"
          color="yellow"
          variant="light"
          mb="md"
          title="Awaiting a second approver"
        >
          {FOUR_EYES_EXPLANATION}.
        </Alert>
      )}
      <FigureGrid
        figures={[
          { label: 'Payees paid by the run', value: run.totals.items },
          { label: 'Amount', value: money(run.totals.amount) },
          { label: 'Paid so far', value: money(run.totals.paidAmount) },
          {
            label: 'Minimum per payee',
            value: money(run.minimumAmount),
            hint: run.payeeIds ? `Limited to ${run.payeeIds.length} named payees` : undefined,
          },
        ]}
      />
      {(run.approvedAt || live) && <LiveProgress run={run} />}
      <Tabs defaultValue="items" keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="items">Who is paid</Tabs.Tab>
          <Tabs.Tab value="excluded">Who is left out, and why</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="items">
          <ItemsTable run={run} />
        </Tabs.Panel>
        <Tabs.Panel value="excluded">
          <ExclusionsTable run={run} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

/** Counts by state and the pace of transfers while the run pays; refreshed by the run query. */
function LiveProgress({ run }: { run: PayoutRun }) {
  const [now, setNow] = useState(() => new Date());
  const live = run.status === 'executing';
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  const { totals } = run;
  const done = totals.paid + totals.failed + totals.cancelled;
  const endedAt = run.completedAt ?? run.cancelledAt;
  const rate = transferRate({ approvedAt: run.approvedAt, endedAt, paid: totals.paid }, now);
  const share = (n: number) => (totals.items === 0 ? 0 : (n * 100) / totals.items);

  return (
    <Paper withBorder radius="sm" p="sm" mb="md" role="region" aria-label="Progress">
      <Group justify="space-between" mb={6}>
        <Title order={3} size="h5">
          {live ? 'Paying' : 'Outcome'} · {done} of {totals.items} items done
        </Title>
        <Tooltip
          label="Computed in the browser from the paid count over the time since approval; the API does not report a rate"
          withArrow
          multiline
          w={280}
        >
          <Text
            size="sm"
            className="figure"
            tabIndex={0}
            aria-label="Transfers per second (computed)"
          >
            {rate.perSecond ?? '—'} transfers/s (computed) · {formatDuration(rate.elapsedSeconds)}
          </Text>
        </Tooltip>
      </Group>
      <Progress.Root size="lg" role="group" aria-label="Items done" mb="sm">
        <Progress.Section value={share(totals.paid)} color="green" aria-label="Paid" />
        <Progress.Section value={share(totals.failed)} color="red" aria-label="Failed" />
        <Progress.Section value={share(totals.cancelled)} color="gray" aria-label="Cancelled" />
      </Progress.Root>
      <SimpleGrid cols={4} spacing="xs">
        {(
          [
            ['Pending', totals.pending],
            ['Paid', totals.paid],
            ['Failed', totals.failed],
            ['Cancelled', totals.cancelled],
          ] as const
        ).map(([label, count]) => (
          <Stack key={label} gap={0} role="group" aria-label={label}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text
              fw={600}
              className="figure"
              c={label === 'Failed' && count > 0 ? 'red.8' : undefined}
            >
              {count}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Paper>
  );
}

type Action = 'approve' | 'cancel' | 'resume';

function RunActions({ run, draftedByMe }: { run: PayoutRun; draftedByMe: boolean }) {
  const queries = useQueryClient();
  const [action, setAction] = useState<Action | null>(null);
  const [opened, { open, close }] = useDisclosure(false);
  // One request per confirmation, even on a double click that lands before React re-renders.
  const inFlight = useRef(false);
  const mutation = useMutation({
    mutationFn: async (which: Action) => {
      const params = { params: { path: { id: run.id } } };
      switch (which) {
        case 'approve':
          return unwrap(await api.POST('/v1/payout-runs/{id}/approve', params));
        case 'cancel':
          return unwrap(await api.POST('/v1/payout-runs/{id}/cancel', params));
        case 'resume':
          return unwrap(await api.POST('/v1/payout-runs/{id}/resume', params));
      }
    },
    onSuccess: (updated) => {
      queries.setQueryData(['payout-run', run.id], updated);
      void queries.invalidateQueries({ queryKey: ['payout-run', run.id] });
      void queries.invalidateQueries({ queryKey: ['payout-runs'] });
      void queries.invalidateQueries({ queryKey: ['ledger-overview'] });
      close();
    },
    onSettled: () => {
      inFlight.current = false;
    },
  });
  const start = (which: Action) => {
    mutation.reset();
    setAction(which);
    open();
  };
  const confirm = () => {
    if (!action || inFlight.current) return;
    inFlight.current = true;
    mutation.mutate(action);
  };
  const amount = formatMoney(run.totals.amount, run.currency);
  const payees = `${run.totals.items} ${run.totals.items === 1 ? 'payee' : 'payees'}`;

  return (
    <>
      {run.status === 'draft' && (
        <Tooltip label={FOUR_EYES_EXPLANATION} disabled={!draftedByMe} withArrow multiline w={260}>
          {/* A wrapper keeps the tooltip on a disabled button. */}
          <span>
            <Button
              onClick={() => start('approve')}
              disabled={draftedByMe}
              aria-describedby={draftedByMe ? 'four-eyes' : undefined}
            >
              Approve and pay
            </Button>
          </span>
        </Tooltip>
      )}
      {run.status === 'executing' && (
        <Button variant="default" onClick={() => start('resume')}>
          Resume
        </Button>
      )}
      {(run.status === 'draft' || run.status === 'executing') && (
        <Button variant="default" color="red" onClick={() => start('cancel')}>
          Cancel run
        </Button>
      )}
      <ConfirmAction
        opened={opened && action === 'approve'}
        onClose={close}
        title="Approve payout run"
        confirmLabel={`Approve and pay ${amount}`}
        pending={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
      >
        <Text fw={600}>
          Approve payout run: {payees}, {amount}
        </Text>
        <Text size="sm">
          The amounts are reserved in the ledger and one Stripe transfer is sent to each payee. A
          transfer, once sent, cannot be cancelled from here.
        </Text>
      </ConfirmAction>
      <ConfirmAction
        opened={opened && action === 'cancel'}
        onClose={close}
        title="Cancel payout run"
        confirmLabel="Cancel the run"
        color="red"
        pending={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
      >
        <Text fw={600}>
          {run.status === 'draft'
            ? `Cancel draft: ${payees}, ${amount} will not be paid`
            : `Cancel payout run: ${run.totals.pending} pending of ${run.totals.items} items`}
        </Text>
        <Text size="sm">
          Items not yet sent to Stripe are cancelled and their money is payable again; items already
          sent finish, and their outcome is Stripe&apos;s.
        </Text>
      </ConfirmAction>
      <ConfirmAction
        opened={opened && action === 'resume'}
        onClose={close}
        title="Resume payout run"
        confirmLabel="Resume"
        pending={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
      >
        <Text fw={600}>Resume payout run: queue again {run.totals.pending} pending items</Text>
        <Text size="sm">
          Each item is still sent at most once: an item that may have reached Stripe is looked up
          before anything is sent again.
        </Text>
      </ConfirmAction>
    </>
  );
}

function ItemsTable({ run }: { run: PayoutRun }) {
  const [status, setStatus] = useState<ItemStatus | null>(null);
  const queries = useQueryClient();
  // The items are polled while the run executes; the poll that sees the run end may come before
  // the items' last page was read again: read them once more when the run's state changes.
  const seenStatus = useRef(run.status);
  useEffect(() => {
    if (seenStatus.current === run.status) return;
    seenStatus.current = run.status;
    void queries.invalidateQueries({ queryKey: ['payout-run', run.id, 'items'] });
  }, [run.status, run.id, queries]);
  return (
    <Stack gap="xs">
      <Select
        label="Item status"
        placeholder="Any status"
        data={ITEM_STATUSES}
        value={status}
        onChange={(value) => setStatus(value)}
        clearable
        size="xs"
        w={160}
      />
      <CursorTable<PayoutItem>
        caption="Payout items"
        queryKey={['payout-run', run.id, 'items', status]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/payout-runs/{id}/items', {
              params: {
                path: { id: run.id },
                query: { cursor, limit: 50, status: status ?? undefined },
              },
            }),
          )
        }
        refetchInterval={run.status === 'executing' ? 1000 : false}
        rowKey={(item) => item.id}
        empty={
          status
            ? `No ${status} items in this run.`
            : 'Nobody is paid by this run — see who is left out, and why.'
        }
        columns={[
          {
            key: 'payee',
            header: 'Payee',
            render: (item) => (
              <Stack gap={0}>
                <Text size="sm">{item.payeeName}</Text>
                <Text size="xs" c="dimmed">
                  {item.publisherName}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'amount',
            header: 'Amount',
            align: 'right',
            render: (item) => <Money minor={item.amount} currency={item.currency} size="sm" />,
          },
          {
            key: 'status',
            header: 'Status',
            render: (item) => <StatusBadge status={item.status} />,
          },
          {
            key: 'transfer',
            header: 'Stripe transfer',
            render: (item) => <ShortId id={item.transferId} label="transfer id" />,
          },
          {
            key: 'attempts',
            header: 'Attempts',
            align: 'right',
            render: (item) => <span className="figure">{item.attempts}</span>,
          },
          {
            key: 'failure',
            header: 'Failure (from Stripe)',
            render: (item) =>
              item.errorCode || item.error ? (
                <Text size="sm" c={item.status === 'failed' ? 'red.8' : undefined}>
                  {item.errorCode && (
                    <Text span ff="monospace" size="xs">
                      {item.errorCode}
                    </Text>
                  )}
                  {item.errorCode && item.error ? ': ' : ''}
                  {item.error}
                </Text>
              ) : (
                <Text span c="dimmed" size="sm">
                  —
                </Text>
              ),
          },
          {
            key: 'reversed',
            header: 'Reversed',
            align: 'right',
            render: (item) =>
              item.reversedAmount ? (
                <Money minor={item.reversedAmount} currency={item.currency} size="sm" />
              ) : (
                <Text span c="dimmed" size="sm">
                  —
                </Text>
              ),
          },
          { key: 'paidAt', header: 'Paid', render: (item) => formatTimestamp(item.paidAt) },
        ]}
      />
    </Stack>
  );
}

function ExclusionsTable({ run }: { run: PayoutRun }) {
  return (
    <CursorTable<PayoutExclusion>
      caption="Payees left out of the run"
      queryKey={['payout-run', run.id, 'exclusions']}
      fetchPage={async (cursor) =>
        unwrap(
          await api.GET('/v1/payout-runs/{id}/exclusions', {
            params: { path: { id: run.id }, query: { cursor, limit: 50 } },
          }),
        )
      }
      rowKey={(e) => e.payeeId}
      empty="Nobody was left out: every candidate payee is paid by this run."
      columns={[
        {
          key: 'payee',
          header: 'Payee',
          render: (e) => (
            <Stack gap={0}>
              <Text size="sm">{e.payeeName}</Text>
              <Text size="xs" c="dimmed">
                {e.publisherName}
              </Text>
            </Stack>
          ),
        },
        {
          key: 'amount',
          header: 'Payable balance',
          align: 'right',
          render: (e) => <Money minor={e.amount} currency={run.currency} size="sm" />,
        },
        {
          key: 'reason',
          header: 'Why left out',
          render: (e) => (
            <Text size="sm" title={e.reason}>
              {EXCLUSION_REASONS[e.reason] ?? e.reason}
            </Text>
          ),
        },
        {
          key: 'id',
          header: 'Payee id',
          render: (e) => <ShortId id={e.payeeId} label="payee id" />,
        },
      ]}
    />
  );
}
