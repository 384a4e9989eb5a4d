import { Alert, Paper, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { FigureGrid } from '../../components/FigureGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatInstantRange } from '../../format/date-range';
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';

type Difference = components['schemas']['ReconciliationDifferenceResponse'];

/** Each kind of difference in words (docs/PAYOUTS.md, reconciliation). */
const KINDS: Record<string, string> = {
  'missing-in-stripe': 'Paid in the ledger, no such transfer at Stripe',
  'unknown-to-ledger': 'Transfer at Stripe that no paid item knows',
  'amount-mismatch': 'Amounts differ',
  'currency-mismatch': 'Currencies differ',
  'destination-mismatch': 'Sent to another connected account',
  'missing-balance-transaction': 'No balance transaction at Stripe',
  'balance-transaction-mismatch': "Stripe's balance transaction differs",
};

export default function Reconciliation() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['reconciliation', id],
    queryFn: async () =>
      unwrap(await api.GET('/v1/reconciliations/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 1000 : false),
  });
  if (isProblem(query.error) && query.error.status === 404)
    return <NotFound what="reconciliation" />;
  if (query.error) return <ProblemAlert error={query.error} />;
  const r = query.data;
  if (!r) return <PageLoader />;
  return (
    <>
      <Text size="sm" mb={4}>
        <Link to="/finance/reconciliations">Reconciliation</Link> /
      </Text>
      <PageHeader
        title={`Reconciliation ${formatInstantRange(r.from, r.to)}${r.currency ? ` · ${r.currency}` : ''}`}
        description={
          <>
            <StatusBadge status={r.status} /> requested by{' '}
            {r.requestedByName ?? (r.requestedBy ? 'a principal' : 'the nightly schedule')} on{' '}
            {formatTimestamp(r.createdAt)}
            {r.completedAt && ` · finished ${formatTimestamp(r.completedAt)}`} ·{' '}
            <ShortId id={r.id} label="reconciliation id" />
          </>
        }
      />
      {r.status === 'running' && (
        <Alert color="blue" variant="light" mb="md" title="Comparing with Stripe">
          Reading Stripe&apos;s transfers and balance transactions for the range; this page
          refreshes itself.
        </Alert>
      )}
      {r.error && (
        <Alert color="red" variant="light" mb="md" title="The reconciliation failed">
          {r.error}
        </Alert>
      )}
      {r.summary && (
        <FigureGrid
          figures={[
            { label: 'Paid items in the ledger', value: r.summary.ledgerTransfers },
            { label: 'Transfers at Stripe', value: r.summary.stripeTransfers },
            { label: 'Matched', value: r.summary.matched },
            { label: 'Differences', value: r.summary.differences },
          ]}
        />
      )}
      <Paper withBorder radius="sm">
        <Table stickyHeader>
          <Table.Caption style={{ position: 'absolute', left: -10000 }}>Differences</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Difference</Table.Th>
              <Table.Th>Stripe transfer</Table.Th>
              <Table.Th>Payout item</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Ledger</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Stripe</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.differences.map((d: Difference, index) => (
              <Table.Tr key={`${d.transferId}-${d.kind}-${index}`}>
                <Table.Td>
                  <StatusBadge status="difference" />{' '}
                  <Text span size="sm" title={d.kind}>
                    {KINDS[d.kind] ?? d.kind}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text span ff="monospace" size="sm">
                    {d.transferId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ShortId id={d.itemId} label="payout item id" />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money
                    minor={d.ledger?.amount}
                    currency={d.ledger?.currency ?? 'EUR'}
                    size="sm"
                  />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money
                    minor={d.stripe?.amount}
                    currency={d.stripe?.currency ?? 'EUR'}
                    size="sm"
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {r.differences.length === 0 && (
          <Text c="dimmed" ta="center" p="lg" size="sm">
            {r.status === 'completed'
              ? 'No differences: every paid item matches a Stripe transfer and its balance transaction.'
              : r.status === 'running'
                ? 'Differences appear here when the comparison ends.'
                : 'No differences were recorded — start the reconciliation again for this range.'}
          </Text>
        )}
      </Paper>
    </>
  );
}
