import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { EarningsChart } from '../../components/earnings/EarningsChart';
import { EarningsTable } from '../../components/earnings/EarningsTable';
import { FigureGrid } from '../../components/FigureGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { useCurrencyChoice } from '../../components/CurrencyChoice';
import { ProblemAlert } from '../../components/ProblemAlert';
import { PageLoader } from '../../layout/PageLoader';
import { addMonths, bucketLabel, laterMonth } from '../../format/months';

type CurrencyEarnings = components['schemas']['CurrencyEarnings'];

/** What the publisher's works earned (GET /v1/earnings…): per currency, per payee, over time. */
export default function Home() {
  const earnings = useQuery({
    queryKey: ['earnings'],
    queryFn: async () => unwrap(await api.GET('/v1/earnings')),
  });
  const [figures, currencyPicker] = useCurrencyChoice(earnings.data?.currencies);
  if (earnings.error) return <ProblemAlert error={earnings.error} />;
  if (!earnings.data) return <PageLoader />;

  return (
    <>
      <PageHeader
        title="Home"
        description="What your works earned, net of the platform's commission, and where that money is now — for you and each payee, per currency."
        actions={currencyPicker}
      />
      {!figures ? (
        <Text c="dimmed">
          Nothing earned yet — once licensees report use of your works and finance posts the royalty
          run, what each payee earned shows here. Register works and publish an offer in the
          meantime.
        </Text>
      ) : (
        <Stack gap="lg">
          <Figures figures={figures} />
          <Payees figures={figures} />
          <Breakdown figures={figures} />
        </Stack>
      )}
    </>
  );
}

function Figures({ figures: f }: { figures: CurrencyEarnings }) {
  const figure = (label: string, minor: number, hint: string) => ({
    label,
    value: <Money minor={minor} currency={f.currency} signed />,
    hint,
  });
  return (
    <FigureGrid
      cols={6}
      figures={[
        figure('Earned', f.earned, 'in posted royalty runs'),
        figure('Accrued', f.accrued, 'in runs calculated, not yet posted'),
        figure('Awaiting collection', f.awaitingCollection, "the licensee hasn't paid yet"),
        figure('Payable', f.payable, 'collected, ready to pay out'),
        figure('In payment', f.inPayment, 'in approved payout runs'),
        figure('Paid out', f.paidOut, 'Stripe transfers settled'),
      ]}
    />
  );
}

function Payees({ figures: f }: { figures: CurrencyEarnings }) {
  const money = (minor: number) => <Money minor={minor} currency={f.currency} size="sm" signed />;
  return (
    <Paper withBorder p="sm" radius="sm">
      <Title order={3} size="h5" mb="xs">
        By payee
      </Title>
      <EarningsTable
        caption={`Earnings by payee, ${f.currency}`}
        rows={f.payees}
        rowKey={(p) => p.payeeId}
        empty="No payee has earned in this currency yet."
        columns={[
          {
            key: 'payee',
            header: 'Payee',
            render: (p) => (
              <Anchor component={Link} to={`/publisher/payees/${p.payeeId}`} size="sm">
                {p.payeeName}
              </Anchor>
            ),
          },
          { key: 'earned', header: 'Earned', align: 'right', render: (p) => money(p.earned) },
          { key: 'accrued', header: 'Accrued', align: 'right', render: (p) => money(p.accrued) },
          {
            key: 'awaiting',
            header: 'Awaiting collection',
            align: 'right',
            render: (p) => money(p.awaitingCollection),
          },
          { key: 'payable', header: 'Payable', align: 'right', render: (p) => money(p.payable) },
          {
            key: 'inPayment',
            header: 'In payment',
            align: 'right',
            render: (p) => money(p.inPayment),
          },
          { key: 'paidOut', header: 'Paid out', align: 'right', render: (p) => money(p.paidOut) },
          {
            key: 'statements',
            header: 'Statements',
            render: (p) => (
              <Anchor
                component={Link}
                to={`/publisher/statements?payeeId=${p.payeeId}`}
                size="sm"
                aria-label={`Statements of ${p.payeeName}`}
              >
                Statements
              </Anchor>
            ),
          },
        ]}
      />
    </Paper>
  );
}

/** Twelve months up to this month, or up to the latest posted run's when that is later. */
function windowOf(lastPostedPeriod: string | null): { from: string; to: string } {
  const now = new Date();
  const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const to = lastPostedPeriod ? laterMonth(thisMonth, lastPostedPeriod) : thisMonth;
  return { from: addMonths(to, -11), to };
}

function Breakdown({ figures: f }: { figures: CurrencyEarnings }) {
  const window = windowOf(f.lastPostedPeriod);
  const breakdown = useQuery({
    queryKey: ['earnings', 'breakdown', f.currency, window],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/earnings/breakdown', {
          params: { query: { currency: f.currency, ...window, top: 10 } },
        }),
      ),
  });
  const range = `${bucketLabel(window.from)} – ${bucketLabel(window.to)}, ${f.currency}, posted runs`;
  if (breakdown.error) return <ProblemAlert error={breakdown.error} />;
  if (!breakdown.data) return <PageLoader />;
  const b = breakdown.data;
  const money = (minor: number) => <Money minor={minor} currency={f.currency} size="sm" signed />;
  return (
    <>
      <EarningsChart breakdown={b} range={range} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder p="sm" radius="sm">
          <Title order={3} size="h5" mb="xs">
            Top works
          </Title>
          <EarningsTable
            caption={`Top works, ${range}`}
            rows={b.works}
            rowKey={(w) => w.workId}
            empty="No work earned in this window."
            columns={[
              {
                key: 'title',
                header: 'Work',
                render: (w) => (
                  <Anchor component={Link} to={`/publisher/works/${w.workId}`} size="sm">
                    {w.title}
                  </Anchor>
                ),
              },
              { key: 'amount', header: 'Earned', align: 'right', render: (w) => money(w.amount) },
            ]}
          />
        </Paper>
        <Paper withBorder p="sm" radius="sm">
          <Title order={3} size="h5" mb="xs">
            Top licensees
          </Title>
          <EarningsTable
            caption={`Top licensees, ${range}`}
            rows={b.licensees}
            rowKey={(l) => l.licenseeId}
            empty="No licensee paid for use in this window."
            columns={[
              {
                key: 'name',
                header: 'Licensee',
                render: (l) => (
                  <Anchor
                    component={Link}
                    to={`/publisher/usage?licenseeId=${l.licenseeId}`}
                    size="sm"
                  >
                    {l.name}
                  </Anchor>
                ),
              },
              { key: 'amount', header: 'Earned', align: 'right', render: (l) => money(l.amount) },
            ]}
          />
        </Paper>
      </SimpleGrid>
    </>
  );
}
