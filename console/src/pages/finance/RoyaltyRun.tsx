import { statementFigureColumns } from '../../components/statement-figures';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Paper,
  Progress,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable, type Column } from '../../components/CursorTable';
import { FactGrid } from '../../components/FactGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatPeriod, formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';
import { countOf, describePost, formatBps, formatElapsed } from './royalty-figures';

type RoyaltyRun = components['schemas']['RoyaltyRunResponse'];
type Invoice = components['schemas']['InvoiceResponse'];
type Statement = components['schemas']['StatementResponse'];

const TABS = ['invoices', 'statements', 'adjustments'] as const;
type Tab = (typeof TABS)[number];

const runQueryKey = (id: string) => ['royalty-run', id] as const;

export default function RoyaltyRunPage() {
  const { id = '' } = useParams();
  const run = useQuery({
    queryKey: runQueryKey(id),
    queryFn: async () =>
      unwrap(await api.GET('/v1/royalty-runs/{id}', { params: { path: { id } } })),
    // Long work refreshes itself while it runs and stops when it ends.
    refetchInterval: (query) => (query.state.data?.status === 'calculating' ? 1000 : false),
    staleTime: 0,
  });

  if (run.isPending) return <PageLoader />;
  if (isProblem(run.error) && run.error.status === 404) return <NotFound what="royalty run" />;
  if (run.error || !run.data) {
    return (
      <>
        <PageHeader title="Royalty run" />
        <ProblemAlert error={run.error} />
      </>
    );
  }
  return <RunDetail run={run.data} />;
}

function RunDetail({ run }: { run: RoyaltyRun }) {
  const period = formatPeriod(run.periodStart, run.periodEnd);
  const [posting, post] = useDisclosure(false);
  const [recalculating, recalculate] = useDisclosure(false);
  const queries = useQueryClient();
  const previousStatus = useRef(run.status);
  useEffect(() => {
    // A calculation that ended leaves new figures: the list of runs reads them again.
    if (previousStatus.current === 'calculating' && run.status !== 'calculating') {
      void queries.invalidateQueries({ queryKey: ['royalty-runs'] });
    }
    previousStatus.current = run.status;
  }, [run.status, queries]);

  const canRecalculate = run.status === 'calculated' || run.status === 'failed';
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/finance/royalty-runs">
          Royalty runs
        </Anchor>{' '}
        / {period}
      </Text>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>Royalty run {period}</span>
            <StatusBadge status={run.status} />
          </Group>
        }
        description={
          run.status === 'calculated'
            ? 'A preview: only finance sees it until it is posted. Posting writes it to the ledger once; it cannot change after.'
            : run.status === 'posted'
              ? 'Posted to the ledger: final. Later corrections of this period are settled in the next run.'
              : undefined
        }
        actions={
          <>
            {canRecalculate && (
              <Button variant="default" onClick={recalculate.open}>
                Recalculate
              </Button>
            )}
            {run.status === 'calculated' && <Button onClick={post.open}>Post run</Button>}
          </>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Royalty run"
            facts={[
              { label: 'Period', value: `${run.periodStart} – ${run.periodEnd}` },
              { label: 'Status', value: <StatusBadge status={run.status} /> },
              {
                label: 'Commission rate',
                value: `${formatBps(run.commissionBps)} (${run.commissionBps} bps)`,
              },
              { label: 'Created', value: formatTimestamp(run.createdAt) },
              { label: 'Calculated', value: formatTimestamp(run.calculatedAt) },
              { label: 'Posted', value: formatTimestamp(run.postedAt) },
              { label: 'Run id', value: <ShortId id={run.id} label="run id" /> },
              {
                label: 'Calculation hash',
                value: <ShortId id={run.calculationHash} label="calculation hash" />,
              },
            ]}
          />
        </Paper>
        {run.status === 'calculating' && <Calculating run={run} />}
        {run.status === 'failed' && (
          <Alert color="red" variant="light" title="The calculation failed" role="alert">
            <Text size="sm">{run.failure ?? 'The service gave no reason.'}</Text>
            <Text size="sm" mt={4}>
              Correct the cause, then recalculate the run.
            </Text>
          </Alert>
        )}
        {(run.status === 'calculated' || run.status === 'posted') && <Preview run={run} />}
      </Stack>
      {posting && <PostModal run={run} onClose={post.close} />}
      {recalculating && <RecalculateModal run={run} onClose={recalculate.close} />}
    </>
  );
}

/** The API reports no progress figures for a run: an indeterminate bar and the time elapsed. */
function Calculating({ run }: { run: RoyaltyRun }) {
  // A first calculation counts from the run's creation; a recalculation from when it was seen.
  const [since] = useState(() =>
    run.calculatedAt === null ? Date.parse(run.createdAt) : Date.now(),
  );
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <Paper withBorder p="md" radius="sm" aria-live="polite">
      <Group justify="space-between" mb={6}>
        <Text size="sm" fw={600}>
          Calculating…
        </Text>
        <Text size="sm" c="dimmed" className="figure">
          {run.calculatedAt === null ? 'Elapsed' : 'Elapsed since opened'}{' '}
          {formatElapsed(now - since)}
        </Text>
      </Group>
      <Progress
        value={100}
        striped
        animated
        aria-label="Calculation in progress"
        aria-valuetext="In progress"
      />
      <Text size="xs" c="dimmed" mt={6}>
        This page refreshes every second until the run is calculated.
      </Text>
    </Paper>
  );
}

function Preview({ run }: { run: RoyaltyRun }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'invoices';
  const currencies = run.summary.byCurrency ?? [];
  // A recalculation changes the figures: the tables read them again when it ends.
  const version = run.calculatedAt;

  return (
    <>
      <Paper withBorder radius="sm">
        <Group justify="space-between" px="md" pt="sm">
          <Title order={3} size="h5">
            Totals
          </Title>
          <Text size="sm" c="dimmed">
            {countOf(run.summary.statements ?? 0, 'statement')}
          </Text>
        </Group>
        <Table aria-label="Totals per currency" mt={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Currency</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Invoices</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Invoiced</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Commission</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>To payees</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {currencies.map((c) => (
              <Table.Tr key={c.currency}>
                <Table.Td>{c.currency}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }} className="figure">
                  {c.invoices.toLocaleString()}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={c.invoiced} currency={c.currency} size="sm" signed />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={c.commission} currency={c.currency} size="sm" signed />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={c.payees} currency={c.currency} size="sm" signed />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {currencies.length === 0 && (
          <Text c="dimmed" ta="center" p="md" size="sm">
            Nothing to invoice: no accepted usage counted in this period. Check the usage reports
            for the period, then recalculate.
          </Text>
        )}
      </Paper>

      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(
            (current) => {
              const next = new URLSearchParams(current);
              next.set('tab', value ?? 'invoices');
              return next;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List mb="sm">
          <Tabs.Tab value="invoices">Invoices by licensee</Tabs.Tab>
          <Tabs.Tab value="statements">Statements by payee</Tabs.Tab>
          <Tabs.Tab value="adjustments">Adjustments</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="invoices">
          <CursorTable<Invoice>
            caption={`Invoices of royalty run ${formatPeriod(run.periodStart, run.periodEnd)}`}
            queryKey={['invoices', { runId: run.id, version }]}
            fetchPage={async (cursor) =>
              unwrap(
                await api.GET('/v1/invoices', {
                  params: { query: { runId: run.id, cursor, limit: 50 } },
                }),
              )
            }
            rowKey={(invoice) => invoice.id}
            empty="No invoices: nothing was owed under any agreement in this period."
            columns={invoiceColumns}
          />
        </Tabs.Panel>

        <Tabs.Panel value="statements">
          <CursorTable<Statement>
            caption={`Statements of royalty run ${formatPeriod(run.periodStart, run.periodEnd)}`}
            queryKey={['statements', { runId: run.id, version }]}
            fetchPage={async (cursor) =>
              unwrap(
                await api.GET('/v1/statements', {
                  params: { query: { runId: run.id, cursor, limit: 50 } },
                }),
              )
            }
            rowKey={(statement) => statement.id}
            rowLabel={(statement) => `Statement of ${statement.payeeName} (${statement.currency})`}
            onRowClick={(statement) => void navigate(`/finance/statements/${statement.id}`)}
            empty="No statements: no payee earned anything in this run."
            columns={[
              {
                key: 'payee',
                header: 'Payee',
                render: (s) => (
                  <Anchor
                    component={Link}
                    to={`/finance/statements/${s.id}`}
                    size="sm"
                    onClick={(event) => event.stopPropagation()}
                  >
                    {s.payeeName}
                  </Anchor>
                ),
              },
              { key: 'publisher', header: 'Publisher', render: (s) => s.publisherName },
              { key: 'currency', header: 'Currency', render: (s) => s.currency },
              ...statementFigureColumns<Statement>(),
              {
                key: 'id',
                header: 'Statement',
                render: (s) => <ShortId id={s.id} label="statement id" />,
              },
            ]}
          />
        </Tabs.Panel>

        <Tabs.Panel value="adjustments">
          <Text size="sm" c="dimmed" mb="xs">
            Restatements of periods already posted: usage reports that superseded or arrived after a
            posted run. Each statement&apos;s lines name the period, run and reports an adjustment
            corrects.
          </Text>
          <CursorTable<Invoice>
            caption={`Adjustments in royalty run ${formatPeriod(run.periodStart, run.periodEnd)}`}
            queryKey={['invoices', { runId: run.id, adjusted: 'true', version }]}
            fetchPage={async (cursor) =>
              unwrap(
                await api.GET('/v1/invoices', {
                  params: { query: { runId: run.id, adjusted: 'true', cursor, limit: 50 } },
                }),
              )
            }
            rowKey={(invoice) => invoice.id}
            empty="No adjustments: this run restates no posted period."
            columns={[
              { key: 'licensee', header: 'Licensee', render: (i) => i.licenseeName },
              { key: 'publisher', header: 'Publisher', render: (i) => i.publisherName },
              {
                key: 'agreement',
                header: 'Agreement',
                render: (i) => <ShortId id={i.agreementId} label="agreement id" />,
              },
              {
                key: 'exact',
                header: 'Exact (minor units)',
                align: 'right',
                render: (i) => (
                  <Text span size="sm" className="figure">
                    {i.adjustmentExact}
                  </Text>
                ),
              },
              {
                key: 'amount',
                header: 'Adjustment',
                align: 'right',
                render: (i) => (
                  <Money minor={i.adjustmentAmount} currency={i.currency} size="sm" signed />
                ),
              },
              {
                key: 'commission',
                header: 'Commission on it',
                align: 'right',
                render: (i) => (
                  <Money minor={i.adjustmentCommission} currency={i.currency} size="sm" signed />
                ),
              },
              {
                key: 'invoice',
                header: 'Invoice total',
                align: 'right',
                render: (i) => <Money minor={i.amount} currency={i.currency} size="sm" signed />,
              },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

const invoiceColumns: Column<Invoice>[] = [
  { key: 'licensee', header: 'Licensee', render: (i) => i.licenseeName },
  { key: 'publisher', header: 'Publisher', render: (i) => i.publisherName },
  {
    key: 'agreement',
    header: 'Agreement',
    render: (i) => <ShortId id={i.agreementId} label="agreement id" />,
  },
  {
    key: 'amount',
    header: 'Amount',
    align: 'right',
    render: (i) => <Money minor={i.amount} currency={i.currency} size="sm" signed />,
  },
  {
    key: 'commission',
    header: 'Commission',
    align: 'right',
    render: (i) => <Money minor={i.commission} currency={i.currency} size="sm" signed />,
  },
  {
    key: 'payees',
    header: 'To payees',
    align: 'right',
    render: (i) => <Money minor={i.payeeTotal} currency={i.currency} size="sm" signed />,
  },
  {
    key: 'adjustments',
    header: 'Of which adjustments',
    align: 'right',
    render: (i) =>
      i.adjustmentAmount === 0 ? (
        <Text span c="dimmed" size="sm">
          —
        </Text>
      ) : (
        <Money minor={i.adjustmentAmount} currency={i.currency} size="sm" signed />
      ),
  },
  {
    key: 'status',
    header: 'Payment',
    render: (i) => <StatusBadge status={i.paymentStatus} />,
  },
  {
    key: 'id',
    header: 'Invoice',
    render: (i) => <ShortId id={i.id} label="invoice id" />,
  },
];

/**
 * Posting moves money: the modal restates the run's figures in words, submits once (the button
 * is busy while the request runs) and, if the API refuses, says why and stays open.
 */
function PostModal({ run, onClose }: { run: RoyaltyRun; onClose: () => void }) {
  const queries = useQueryClient();
  const submit = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/royalty-runs/{id}/post', {
          params: { path: { id: run.id } },
          // The figures confirmed are the ones posted: a recalculation since is refused (409).
          body: run.calculationHash ? { calculationHash: run.calculationHash } : {},
        }),
      ),
    onSuccess: (posted) => {
      queries.setQueryData(runQueryKey(run.id), posted);
      void queries.invalidateQueries({ queryKey: ['royalty-runs'] });
      void queries.invalidateQueries({ queryKey: ['invoices'] });
      void queries.invalidateQueries({ queryKey: ['statements'] });
      void queries.invalidateQueries({ queryKey: ['ledger-overview'] });
      onClose();
    },
    // Recalculated meanwhile: the run's figures are read again; the dialog shows the new ones.
    onError: (error) => {
      if (isProblem(error, 'calculation-changed')) {
        void queries.invalidateQueries({ queryKey: runQueryKey(run.id) });
      }
    },
  });
  return (
    <Modal
      opened
      onClose={() => {
        if (!submit.isPending) onClose();
      }}
      title="Post this royalty run?"
      size="lg"
    >
      <Stack>
        <Text fw={600} data-testid="post-summary">
          {describePost(run)}.
        </Text>
        <Text size="sm">
          Posting writes each invoice to the ledger — the licensees&apos; receivables, the
          platform&apos;s commission and the payees&apos; earnings — and shows the statements to the
          publishers and the invoices to the licensees. It happens once and cannot be undone;
          corrections come as adjustments in a later run.
        </Text>
        <ProblemAlert error={submit.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={submit.isPending}>
            Cancel
          </Button>
          <Button
            loading={submit.isPending}
            onClick={() => {
              if (!submit.isPending) submit.mutate();
            }}
          >
            Post run
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RecalculateModal({ run, onClose }: { run: RoyaltyRun; onClose: () => void }) {
  const queries = useQueryClient();
  const submit = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/royalty-runs/{id}/recalculate', { params: { path: { id: run.id } } }),
      ),
    onSuccess: (calculating) => {
      queries.setQueryData(runQueryKey(run.id), calculating);
      void queries.invalidateQueries({ queryKey: ['royalty-runs'] });
      onClose();
    },
  });
  return (
    <Modal
      opened
      onClose={() => {
        if (!submit.isPending) onClose();
      }}
      title="Recalculate this royalty run?"
    >
      <Stack>
        <Text size="sm">
          Run {formatPeriod(run.periodStart, run.periodEnd)} is calculated again from the usage,
          agreements and splits as they are now. Its invoices and statements are replaced; the
          figures may change. Nothing is posted.
        </Text>
        <ProblemAlert error={submit.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={submit.isPending}>
            Cancel
          </Button>
          <Button
            loading={submit.isPending}
            onClick={() => {
              if (!submit.isPending) submit.mutate();
            }}
          >
            Recalculate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
