import { Anchor, Button, Group, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { EarningsTable } from '../../components/earnings/EarningsTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { useUrlFilters } from '../../components/use-url-filters';

type OverdueInvoice = components['schemas']['OverdueInvoice'];
type OverdueLicensee = components['schemas']['OverdueLicensee'];

/**
 * What licensees owe past due, as of a day (today by default, the API's UTC day): per licensee
 * and currency first, then the invoices, most overdue first, each with its Stripe page. Stripe
 * sends the reminders; this is finance's list of who owes what, how late.
 */
export default function Overdue() {
  const [filters, setFilter] = useUrlFilters();
  const asOf = filters.get('asOf') ?? undefined;
  const licenseeId = filters.get('licenseeId') ?? undefined;

  const byLicensee = useQuery({
    queryKey: ['overdue-by-licensee', { asOf }],
    queryFn: async () =>
      unwrap(await api.GET('/v1/collection/overdue/by-licensee', { params: { query: { asOf } } })),
  });
  const licenseeName = byLicensee.data?.data.find((l) => l.licenseeId === licenseeId)?.licenseeName;
  const day = byLicensee.data?.asOf ?? asOf ?? 'today';

  return (
    <>
      <PageHeader
        title="Overdue"
        description="Invoices past their due day with something still owed, from the platform's own payments. Stripe sends the reminders and retries (its Billing settings); this is who owes what, how late."
      />
      <Group mb="md" align="flex-end">
        <DateInput
          label="As of"
          description="Default today (UTC)"
          valueFormat="YYYY-MM-DD"
          placeholder="Today"
          value={asOf ?? null}
          onChange={(value) => setFilter('asOf', value)}
          clearable
          w={220}
        />
      </Group>
      <Paper withBorder radius="sm" p="sm" mb="md">
        <Title order={3} size="h5" mb="xs">
          By licensee and currency, as of {day}
        </Title>
        {byLicensee.error ? (
          <ProblemAlert error={byLicensee.error} />
        ) : (
          <EarningsTable<OverdueLicensee>
            caption={`Overdue by licensee as of ${day}`}
            rows={byLicensee.data?.data ?? []}
            rowKey={(l) => `${l.licenseeId}-${l.currency}`}
            empty={
              byLicensee.isPending
                ? 'Loading…'
                : `Nothing overdue as of ${day}: every invoice due by then is paid.`
            }
            columns={[
              { key: 'licensee', header: 'Licensee', render: (l) => l.licenseeName },
              { key: 'currency', header: 'Currency', render: (l) => l.currency },
              { key: 'invoices', header: 'Invoices', align: 'right', render: (l) => l.invoices },
              {
                key: 'outstanding',
                header: 'Outstanding',
                align: 'right',
                render: (l) => (
                  <Money minor={l.outstanding} currency={l.currency} size="sm" fw={600} />
                ),
              },
              {
                key: 'oldest',
                header: 'Oldest, days overdue',
                align: 'right',
                render: (l) => <span className="figure">{l.oldestDaysOverdue}</span>,
              },
              {
                key: 'show',
                header: <VisuallyHidden>Show</VisuallyHidden>,
                align: 'right',
                render: (l) =>
                  l.licenseeId === licenseeId ? (
                    <Text size="xs" c="dimmed">
                      shown below
                    </Text>
                  ) : (
                    <Button
                      size="compact-xs"
                      variant="light"
                      aria-label={`Show ${l.licenseeName}'s overdue invoices`}
                      onClick={() => setFilter('licenseeId', l.licenseeId)}
                    >
                      Show invoices
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Paper>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Overdue invoices{licenseeId ? ` of ${licenseeName ?? 'one licensee'}` : ''}, most
            overdue first
          </Title>
          {licenseeId && (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => setFilter('licenseeId', null)}
            >
              Show every licensee
            </Button>
          )}
        </Group>
        <CursorTable<OverdueInvoice>
          caption={`Overdue invoices as of ${day}`}
          queryKey={['overdue', { asOf, licenseeId }]}
          fetchPage={async (cursor) =>
            unwrap(
              await api.GET('/v1/collection/overdue', {
                params: { query: { asOf, licenseeId, cursor, limit: 50 } },
              }),
            )
          }
          rowKey={(i) => i.invoiceId}
          empty={`Nothing overdue as of ${day} — invoices appear here the day after their due day while something is owed.`}
          columns={[
            { key: 'licensee', header: 'Licensee', render: (i) => i.licenseeName },
            {
              key: 'number',
              header: 'Stripe invoice',
              render: (i) => (
                <Text span size="sm" ff="monospace">
                  {i.number ?? '—'}
                </Text>
              ),
            },
            {
              key: 'due',
              header: 'Due',
              render: (i) => <span className="figure">{i.dueOn}</span>,
            },
            {
              key: 'days',
              header: 'Days overdue',
              align: 'right',
              render: (i) => (
                <Text span size="sm" className="figure" fw={600}>
                  {i.daysOverdue}
                </Text>
              ),
            },
            {
              key: 'amount',
              header: 'Amount',
              align: 'right',
              render: (i) => <Money minor={i.amount} currency={i.currency} size="sm" />,
            },
            {
              key: 'outstanding',
              header: 'Outstanding',
              align: 'right',
              render: (i) => (
                <Money minor={i.outstanding} currency={i.currency} size="sm" fw={600} />
              ),
            },
            { key: 'status', header: 'Stripe', render: (i) => <StatusBadge status={i.status} /> },
            {
              key: 'hosted',
              header: 'Invoice page',
              render: (i) =>
                i.hostedInvoiceUrl ? (
                  <Anchor
                    href={i.hostedInvoiceUrl}
                    target="_blank"
                    rel="noopener noreferrer"
                    size="sm"
                    aria-label={`Invoice ${i.number ?? i.invoiceId} on Stripe`}
                  >
                    Open in Stripe
                  </Anchor>
                ) : null,
            },
            {
              key: 'id',
              header: 'Invoice',
              render: (i) => <ShortId id={i.invoiceId} label="invoice id" />,
            },
          ]}
        />
      </Stack>
    </>
  );
}
