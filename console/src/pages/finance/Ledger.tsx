import { shortForm } from '../../format/ids';
import { Alert, Button, Group, Paper, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { PageLoader } from '../../layout/PageLoader';

type Balance = components['schemas']['AccountBalanceResponse'];

/** Where an account's page lives; its currency and type go along so the entries can be shown. */
function accountLink(account: Pick<Balance, 'accountId' | 'currency' | 'type' | 'ownerId'>) {
  const query = new URLSearchParams({ currency: account.currency, type: account.type });
  if (account.ownerId) query.set('owner', account.ownerId);
  return `/finance/ledger/accounts/${account.accountId}?${query.toString()}`;
}

export default function Ledger() {
  return (
    <>
      <PageHeader
        title="Ledger"
        description="Double-entry and append-only: every transaction balances per currency, and each is chained to the one before by its hash."
      />
      <Tabs defaultValue="trial" keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="trial">Trial balance</Tabs.Tab>
          <Tabs.Tab value="balances">Account balances</Tabs.Tab>
          <Tabs.Tab value="verify">Chain verification</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="trial">
          <TrialBalance />
        </Tabs.Panel>
        <Tabs.Panel value="balances">
          <Balances />
        </Tabs.Panel>
        <Tabs.Panel value="verify">
          <Verification />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function TrialBalance() {
  const trial = useQuery({
    queryKey: ['ledger', 'trial-balance'],
    queryFn: async () => unwrap(await api.GET('/v1/ledger/trial-balance')),
  });
  if (trial.error) return <ProblemAlert error={trial.error} />;
  if (!trial.data) return <PageLoader />;
  const { totals, balanced } = trial.data;
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <StatusBadge status={balanced ? 'balanced' : 'failed'} />
        <Text size="sm">
          {balanced
            ? 'Debits equal credits in every currency.'
            : 'Debits and credits differ in at least one currency — verify the chain and report it.'}
        </Text>
      </Group>
      <Paper withBorder radius="sm">
        <Table>
          <Table.Caption style={{ position: 'absolute', left: -10000 }}>
            Trial balance per currency
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Currency</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Debits</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Credits</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Debits − credits</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {totals.map((t) => (
              <Table.Tr key={t.currency}>
                <Table.Td>{t.currency}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={t.debits} currency={t.currency} size="sm" />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={t.credits} currency={t.currency} size="sm" />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money minor={t.sum} currency={t.currency} size="sm" signed />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {totals.length === 0 && (
          <Text c="dimmed" ta="center" p="lg" size="sm">
            Nothing posted yet — posting a royalty run writes the first transactions.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

function Balances() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const currency = /^[A-Z]{3}$/.test(params.get('currency') ?? '')
    ? params.get('currency')!
    : undefined;
  return (
    <Stack gap="xs">
      <TextInput
        label="Currency"
        placeholder="Any, e.g. EUR"
        defaultValue={currency ?? ''}
        maxLength={3}
        size="xs"
        w={140}
        onChange={(event) => {
          const value = event.currentTarget.value.toUpperCase();
          if (value === '' || /^[A-Z]{3}$/.test(value))
            setParams(value ? { currency: value } : {}, { replace: true });
        }}
      />
      <CursorTable<Balance>
        caption="Account balances"
        queryKey={['ledger', 'balances', { currency }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/balances', { params: { query: { cursor, limit: 50, currency } } }),
          )
        }
        rowKey={(b) => b.accountId}
        rowLabel={(b) => `Account ${b.type} ${b.currency} ${shortForm(b.accountId)}`}
        onRowClick={(b) => void navigate(accountLink(b))}
        empty={
          currency
            ? `No accounts in ${currency} — clear the filter to see every currency.`
            : 'No accounts yet — they open with the first posting.'
        }
        columns={[
          { key: 'type', header: 'Account type', render: (b) => b.type },
          { key: 'currency', header: 'Currency', render: (b) => b.currency },
          {
            key: 'owner',
            header: 'Owner',
            render: (b) =>
              b.ownerId ? (
                <ShortId id={b.ownerId} label="owner id" />
              ) : (
                <Text span size="sm" c="dimmed">
                  The platform
                </Text>
              ),
          },
          { key: 'side', header: 'Normal side', render: (b) => b.normalSide },
          {
            key: 'balance',
            header: 'Balance',
            align: 'right',
            render: (b) => <Money minor={b.balance} currency={b.currency} size="sm" signed />,
          },
          {
            key: 'id',
            header: 'Account',
            render: (b) => <ShortId id={b.accountId} label="account id" />,
          },
        ]}
      />
    </Stack>
  );
}

function Verification() {
  // On demand: verifying recomputes every hash and balance, so it runs when asked, not on view.
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.GET('/v1/ledger/verify')),
  });
  const result = verify.data;
  return (
    <Stack gap="sm" align="flex-start">
      <Text size="sm">
        Recomputes every transaction&apos;s hash and link in order, and every kept balance from its
        postings; reports the first break and every balance that differs.
      </Text>
      <Button
        onClick={() => verify.mutate()}
        loading={verify.isPending}
        disabled={verify.isPending}
      >
        Verify the ledger
      </Button>
      <ProblemAlert error={verify.error} />
      {result && (
        <Alert
          color={result.ok ? 'green' : 'red'}
          variant="light"
          title={result.ok ? 'The ledger checks out' : 'The ledger does not check out'}
          role="status"
          w="100%"
        >
          <Text size="sm">
            {result.transactions} transactions verified.
            {result.firstBreak &&
              ` First break at position ${result.firstBreak.seq} (transaction ${result.firstBreak.transactionId}): ${result.firstBreak.problem}.`}
          </Text>
          {result.balanceMismatches.length > 0 && (
            <Table mt="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Kept balance</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Sum of postings</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.balanceMismatches.map((m) => (
                  <Table.Tr key={m.accountId}>
                    <Table.Td>
                      <ShortId id={m.accountId} label="account id" />
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="figure">
                      {m.kept}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="figure">
                      {m.fromPostings}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Alert>
      )}
    </Stack>
  );
}
