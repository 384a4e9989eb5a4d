import { Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { formatTimestamp } from '../../format/dates';
import { NotFound } from '../NotFound';

type Entry = components['schemas']['LedgerEntryResponse'];

export default function LedgerAccount() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  // The entries answer carries no currency: it comes along in the link from the balances list.
  const currency = /^[A-Z]{3}$/.test(params.get('currency') ?? '') ? params.get('currency')! : null;
  const type = params.get('type');
  const owner = params.get('owner');
  // The first page, shared with the table below (same key): a 404 shows the NotFound page.
  const first = useQuery({
    queryKey: ['ledger', 'account', id, 'page', null],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/ledger/accounts/{id}/entries', {
          params: { path: { id }, query: { limit: 50 } },
        }),
      ),
  });
  if (isProblem(first.error) && first.error.status === 404)
    return <NotFound what="ledger account" />;
  return (
    <>
      <Text size="sm" mb={4}>
        <Link to="/finance/ledger">Ledger</Link> /
      </Text>
      <PageHeader
        title={`Account${type ? ` · ${type}` : ''}${currency ? ` · ${currency}` : ''}`}
        description={
          <Group gap="xs" component="span">
            <ShortId id={id} label="account id" />
            {owner ? (
              <>
                owned by <ShortId id={owner} label="owner id" />
              </>
            ) : type ? (
              <span>· the platform&apos;s own account ·</span>
            ) : null}
            <span>Entries newest first; amounts signed, debit positive.</span>
          </Group>
        }
      />
      <CursorTable<Entry>
        caption="Account entries"
        queryKey={['ledger', 'account', id]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/ledger/accounts/{id}/entries', {
              params: { path: { id }, query: { cursor, limit: 50 } },
            }),
          )
        }
        rowKey={(e) => `${e.transactionId}-${e.seq}-${e.amount}`}
        empty="No entries on this account yet."
        columns={[
          {
            key: 'seq',
            header: 'Position',
            align: 'right',
            render: (e) => <span className="figure">{e.seq}</span>,
          },
          { key: 'at', header: 'Posted', render: (e) => formatTimestamp(e.createdAt) },
          { key: 'reason', header: 'Reason', render: (e) => e.reason },
          {
            key: 'refs',
            header: 'For',
            render: (e) => (
              <Stack gap={0}>
                {Object.entries(e.refs).map(([name, ref]) => (
                  <Group key={name} gap={4} wrap="nowrap">
                    <Text span size="xs" c="dimmed">
                      {name}
                    </Text>
                    <ShortId id={ref} label={name} />
                  </Group>
                ))}
              </Stack>
            ),
          },
          {
            key: 'amount',
            header: 'Amount',
            align: 'right',
            render: (e) =>
              currency ? (
                <Money minor={e.amount} currency={currency} size="sm" signed />
              ) : (
                <Text span size="sm" className="figure" title="Minor units (currency unknown)">
                  {e.amount}
                </Text>
              ),
          },
          {
            key: 'tx',
            header: 'Transaction',
            render: (e) => <ShortId id={e.transactionId} label="transaction id" />,
          },
        ]}
      />
    </>
  );
}
