import { Anchor, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { formatTimestamp } from '../../format/dates';
import { CursorTable } from '../CursorTable';
import { Money } from '../Money';
import { ShortId } from '../ShortId';

type Balance = components['schemas']['AccountBalanceResponse'];
type Entry = components['schemas']['LedgerEntryResponse'];

/** What each of a payee's ledger accounts holds, in words (docs/LEDGER.md). */
const ACCOUNT_WORDS: Record<string, string> = {
  'payee-payable': 'Payable (collected, to be paid out)',
  'payee-awaiting-collection': "Awaiting the licensee's payment",
  'payee-advance': 'Advances not yet repaid',
  'payout-pending': 'In a payout run, not yet settled',
};

/**
 * The payee's ledger accounts (`GET /v1/balances?ownerId=`), one page at a time, each opening its
 * entries, newest first.
 */
export function PayeeBalances({ payeeId }: { payeeId: string }) {
  const [open, setOpen] = useState<Balance | null>(null);
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        Balances
      </Title>
      <CursorTable<Balance>
        caption="Balances of this payee"
        queryKey={['balances', { ownerId: payeeId }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/balances', {
              params: { query: { ownerId: payeeId, cursor, limit: 50 } },
            }),
          )
        }
        rowKey={(b) => b.accountId}
        empty="No money has moved for this payee yet: balances appear with their first royalty run or advance."
        columns={[
          {
            key: 'type',
            header: 'Account',
            render: (b) => (
              <Stack gap={0}>
                <Anchor
                  component="button"
                  size="sm"
                  ta="left"
                  aria-label={`Entries of ${b.type} ${b.currency}`}
                  onClick={() => setOpen(b)}
                >
                  {ACCOUNT_WORDS[b.type] ?? b.type}
                </Anchor>
                <Text size="xs" c="dimmed" ff="monospace">
                  {b.type}
                </Text>
              </Stack>
            ),
          },
          { key: 'currency', header: 'Currency', render: (b) => b.currency },
          {
            key: 'balance',
            header: 'Balance',
            align: 'right',
            render: (b) => <Money minor={b.balance} currency={b.currency} size="sm" signed />,
          },
        ]}
      />
      {open && <EntriesModal balance={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

function EntriesModal({ balance, onClose }: { balance: Balance; onClose: () => void }) {
  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={`${ACCOUNT_WORDS[balance.type] ?? balance.type} · ${balance.currency}`}
    >
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          Entries newest first; amounts signed, debit positive. Account{' '}
          <ShortId id={balance.accountId} label="account id" />
        </Text>
        <CursorTable<Entry>
          caption="Account entries"
          queryKey={['balances', 'entries', balance.accountId]}
          fetchPage={async (cursor) =>
            unwrap(
              await api.GET('/v1/ledger/accounts/{id}/entries', {
                params: { path: { id: balance.accountId }, query: { cursor, limit: 50 } },
              }),
            )
          }
          rowKey={(e) => `${e.transactionId}-${e.seq}-${e.amount}`}
          empty="No entries on this account yet."
          columns={[
            { key: 'at', header: 'Posted', render: (e) => formatTimestamp(e.createdAt) },
            { key: 'reason', header: 'Reason', render: (e) => e.reason },
            {
              key: 'amount',
              header: 'Amount',
              align: 'right',
              render: (e) => (
                <Money minor={e.amount} currency={balance.currency} size="sm" signed />
              ),
            },
            {
              key: 'tx',
              header: 'Transaction',
              render: (e) => <ShortId id={e.transactionId} label="transaction id" />,
            },
          ]}
        />
      </Stack>
    </Modal>
  );
}
