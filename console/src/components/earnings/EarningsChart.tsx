import { Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { components } from '../../api/schema';
import { bucketLabel } from '../../format/months';
import { formatMoney } from '../../format/money';
import { Chart } from '../Chart';
import { Money } from '../Money';
import { EarningsTable } from './EarningsTable';

type Breakdown = components['schemas']['EarningsBreakdownResponse'];
type Bucket = components['schemas']['EarningsBucket'];

/** A usage type as a person reads it; null is the fees tied to no usage type. */
export function usageLabel(usage: string | null): string {
  return usage ?? 'Fees (no usage type)';
}

/** One colour per usage type, in the order the API lists them. */
const COLOURS = ['#3b5bdb', '#2b8a3e', '#f59f00', '#ae3ec9', '#0c8599', '#e8590c', '#868e96'];

/**
 * Earnings by month, stacked by usage type (ECharts, loaded on demand), and the same figures in
 * a table beside it.
 */
export function EarningsChart({ breakdown: b, range }: { breakdown: Breakdown; range: string }) {
  const c = b.currency;
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value: number) => formatMoney(value, c),
      },
      legend: { bottom: 0 },
      grid: { left: 90, right: 24, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: b.buckets.map((bucket) => bucketLabel(bucket.key)) },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (value: number) => formatMoney(value, c) },
      },
      series: b.usages.map((usage, u) => ({
        name: usageLabel(usage),
        type: 'bar',
        stack: 'earned',
        data: b.buckets.map((bucket) => bucket.byUsage[u]?.amount ?? 0),
        color: COLOURS[u % COLOURS.length],
      })),
    }),
    [b, c],
  );
  const money = (minor: number, bold = false) => (
    <Money minor={minor} currency={c} size="sm" fw={bold ? 600 : undefined} signed />
  );
  return (
    <Paper withBorder p="sm" radius="sm">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          Earnings by period and usage type
        </Title>
        <Text size="xs" c="dimmed">
          {range} · total {formatMoney(b.total, c)}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <div>
          <Chart
            option={option}
            height={300}
            label={`Earnings by period, ${c}, stacked by usage type`}
          />
        </div>
        <div>
          <EarningsTable<Bucket>
            caption={`Earnings by period and usage type, ${range}`}
            rows={b.buckets.filter((bucket) => bucket.total !== 0)}
            rowKey={(bucket) => bucket.key}
            empty="Nothing posted in this window."
            columns={[
              { key: 'period', header: 'Period', render: (bucket) => bucketLabel(bucket.key) },
              ...b.usages.map((usage, u) => ({
                key: `usage-${u}`,
                header: usageLabel(usage),
                align: 'right' as const,
                render: (bucket: Bucket) => money(bucket.byUsage[u]?.amount ?? 0),
              })),
              {
                key: 'total',
                header: 'Total',
                align: 'right',
                render: (bucket) => money(bucket.total, true),
              },
            ]}
          />
        </div>
      </SimpleGrid>
    </Paper>
  );
}
