import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Chart } from '../../components/Chart';
import { FigureGrid } from '../../components/FigureGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { useCurrencyChoice } from '../../components/CurrencyChoice';
import { ProblemAlert } from '../../components/ProblemAlert';
import { PageLoader } from '../../layout/PageLoader';
import { formatMoney } from '../../format/money';
import { addMonths, bucketLabel, laterMonth } from '../../format/months';

type CurrencyOverview = components['schemas']['CurrencyOverview'];

/** Every figure from the ledger (GET /v1/ledger/overview…): what is owed, collected, earned, paid. */
export default function Overview() {
  const overview = useQuery({
    queryKey: ['ledger-overview'],
    queryFn: async () => unwrap(await api.GET('/v1/ledger/overview')),
  });
  const [figures, currencyPicker] = useCurrencyChoice(overview.data?.currencies);
  if (overview.error) return <ProblemAlert error={overview.error} />;
  if (!overview.data) return <PageLoader />;

  return (
    <>
      <PageHeader
        title="Overview"
        description="What licensees owe and paid, what payees earned and were paid, and the platform's commission — from the ledger, per currency."
        actions={currencyPicker}
      />
      {!figures ? (
        <Text c="dimmed">
          Nothing has been posted yet — calculate and post a royalty run to see its figures here.
        </Text>
      ) : (
        <Stack gap="lg">
          <Figures figures={figures} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <RoyaltiesChart currency={figures.currency} groupBy="period" />
            <RoyaltiesChart currency={figures.currency} groupBy="publisher" />
          </SimpleGrid>
          <PayoutsChart currency={figures.currency} />
        </Stack>
      )}
    </>
  );
}

function Figures({ figures: f }: { figures: CurrencyOverview }) {
  const c = f.currency;
  const figure = (label: string, minor: number, hint: string) => ({
    label,
    value: <Money minor={minor} currency={c} signed />,
    hint,
  });
  return (
    <FigureGrid
      figures={[
        figure('Invoiced', f.invoiced, 'to licensees by posted runs'),
        figure('Licensees owe', f.licenseesOwe, 'invoiced, not yet collected'),
        figure('Collected', f.collected, 'licensee payments received'),
        figure('Commission', f.commission, "the platform's share"),
        figure('Payees earned', f.payeesEarned, 'net of commission'),
        figure(
          'Payees are owed',
          f.payeesOwed,
          `${formatMoney(f.payeesPayable, c)} payable · ${formatMoney(f.payeesAwaitingCollection, c)} awaiting collection · ${formatMoney(f.payoutsPending, c)} in payout`,
        ),
        figure('Paid out', f.paidOut, 'Stripe transfers settled'),
        figure('Stripe balance', f.stripeClearing, 'collected − paid out'),
      ]}
    />
  );
}

function moneyAxis(currency: string) {
  return {
    type: 'value',
    minInterval: 1,
    axisLabel: { formatter: (value: number) => formatMoney(value, currency) },
  };
}

function moneyTooltip(currency: string) {
  return {
    trigger: 'axis',
    axisPointer: { type: 'shadow' },
    valueFormatter: (value: number) => formatMoney(value, currency),
  };
}

/** Twelve months up to this month, or up to the latest run's period when that is later. */
function useRoyaltyWindow(): { from: string; to: string } | null {
  const latest = useQuery({
    queryKey: ['royalty-runs', 'latest'],
    queryFn: async () =>
      unwrap(await api.GET('/v1/royalty-runs', { params: { query: { limit: 1 } } })),
  });
  if (!latest.data) return null;
  const now = new Date();
  const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const run = latest.data.data[0];
  const to = run ? laterMonth(thisMonth, run.periodStart.slice(0, 7)) : thisMonth;
  return { from: addMonths(to, -11), to };
}

function RoyaltiesChart({
  currency,
  groupBy,
}: {
  currency: string;
  groupBy: 'period' | 'publisher';
}) {
  const window = useRoyaltyWindow();
  const series = useQuery({
    queryKey: ['ledger-overview', 'royalties', currency, groupBy, window],
    enabled: window !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/ledger/overview/royalties', {
          params: { query: { currency, groupBy, from: window!.from, to: window!.to, top: 8 } },
        }),
      ),
  });
  const option = useMemo(() => {
    if (!series.data) return null;
    const buckets = [...series.data.buckets];
    const others = series.data.others;
    const labels = buckets.map((b) => (groupBy === 'period' ? bucketLabel(b.key) : b.label));
    const earned = buckets.map((b) => b.payeesEarned);
    const commission = buckets.map((b) => b.commission);
    if (others) {
      labels.push(`${others.publishers} others`);
      earned.push(others.payeesEarned);
      commission.push(others.commission);
    }
    const horizontal = groupBy === 'publisher';
    const categories = { type: 'category', data: labels, inverse: horizontal };
    return {
      tooltip: moneyTooltip(currency),
      legend: { bottom: 0 },
      grid: { left: horizontal ? 140 : 90, right: 24, top: 16, bottom: 48 },
      xAxis: horizontal ? moneyAxis(currency) : categories,
      yAxis: horizontal ? categories : moneyAxis(currency),
      series: [
        { name: 'Payees earned', type: 'bar', stack: 'invoiced', data: earned, color: '#3b5bdb' },
        { name: 'Commission', type: 'bar', stack: 'invoiced', data: commission, color: '#f59f00' },
      ],
    };
  }, [series.data, currency, groupBy]);
  const title = groupBy === 'period' ? 'Royalties by period' : 'Royalties by publisher';
  return (
    <Paper withBorder p="sm" radius="sm">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          {title}
        </Title>
        {window && (
          <Text size="xs" c="dimmed">
            {bucketLabel(window.from)} – {bucketLabel(window.to)}, {currency}, posted runs
          </Text>
        )}
      </Group>
      {series.error ? (
        <ProblemAlert error={series.error} />
      ) : option ? (
        <Chart
          option={option}
          label={`${title}, ${currency}: invoiced split into payees' earnings and commission`}
        />
      ) : (
        <PageLoader />
      )}
    </Paper>
  );
}

function PayoutsChart({ currency }: { currency: string }) {
  const [interval, setInterval] = useState<'day' | 'month'>('day');
  const series = useQuery({
    queryKey: ['ledger-overview', 'payouts', currency, interval],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/ledger/overview/payouts', { params: { query: { currency, interval } } }),
      ),
  });
  const option = useMemo(() => {
    if (!series.data) return null;
    return {
      tooltip: moneyTooltip(currency),
      legend: { bottom: 0 },
      grid: { left: 90, right: 24, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: series.data.buckets.map((b) => bucketLabel(b.key)) },
      yAxis: moneyAxis(currency),
      series: [
        {
          name: 'Paid',
          type: 'bar',
          data: series.data.buckets.map((b) => b.paid),
          color: '#2b8a3e',
        },
        {
          name: 'Reversed',
          type: 'bar',
          data: series.data.buckets.map((b) => b.reversed),
          color: '#c92a2a',
        },
      ],
    };
  }, [series.data, currency]);
  return (
    <Paper withBorder p="sm" radius="sm">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          Payouts over time
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Payouts interval"
          value={interval}
          onChange={(value) => setInterval(value)}
          data={[
            { value: 'day', label: 'Last 30 days' },
            { value: 'month', label: 'Last 12 months' },
          ]}
        />
      </Group>
      {series.error ? (
        <ProblemAlert error={series.error} />
      ) : option ? (
        <Chart
          option={option}
          height={240}
          label={`Payouts over time, ${currency}: Stripe transfers by ${interval}`}
        />
      ) : (
        <PageLoader />
      )}
    </Paper>
  );
}
