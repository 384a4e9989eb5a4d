import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { FilterButton } from '../../components/FilterButton';
import { PageHeader } from '../../components/PageHeader';
import { useUrlFilters } from '../../components/use-url-filters';
import { bucketLabel } from '../../format/months';

type UsageRow = components['schemas']['PublisherUsageRow'];
type Status = 'matched' | 'out-of-scope';

/** The list's filters: exactly the API's query parameters (GET /v1/usage), kept in the URL. */
const FILTERS = ['period', 'workId', 'usage', 'licenseeId'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The RSL 1.0 usage vocabulary; extension tokens are filtered to from a row. */
const USAGES = ['ai-train', 'ai-input', 'ai-index', 'search', 'ai-all', 'all'];
const MONTH = /^[1-9][0-9]{3}-(0[1-9]|1[0-2])$/;
/** The most unlicensed rows counted for the alert; past it, "200 or more". */
const COUNTED = 200;

const rowKey = (r: UsageRow) => `${r.workId}|${r.usage}|${r.unit}|${r.licenseeId}|${r.status}`;

/** Who used which work how: licensed use beside the unlicensed, the latter a claim to pursue. */
export default function Usage() {
  const [params, setFilter] = useUrlFilters();
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const filtered = Object.keys(filters).length > 0;
  const fetchPage = (status: Status) => async (cursor: string | undefined) =>
    unwrap(
      await api.GET('/v1/usage', {
        params: { query: { ...filters, status, cursor, limit: 50 } },
      }),
    );
  const unlicensed = useQuery({
    queryKey: ['usage', 'out-of-scope', 'count', filters],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/usage', {
          params: { query: { ...filters, status: 'out-of-scope', limit: COUNTED } },
        }),
      ),
  });

  const columns = (status: Status) => [
    {
      key: 'work',
      header: 'Work',
      render: (r: UsageRow) => (
        <Group gap={4} wrap="nowrap">
          <Anchor component={Link} to={`/publisher/works/${r.workId}`} size="sm">
            {r.workTitle}
          </Anchor>
          {filters.workId !== r.workId && (
            <FilterButton
              label={`Show only the use of ${r.workTitle}`}
              onClick={() => setFilter('workId', r.workId)}
            />
          )}
        </Group>
      ),
    },
    {
      key: 'licensee',
      header: 'Licensee',
      render: (r: UsageRow) => (
        <Group gap={4} wrap="nowrap">
          <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
            {r.licenseeName}
          </Text>
          {filters.licenseeId !== r.licenseeId && (
            <FilterButton
              label={`Show only the use by ${r.licenseeName}`}
              onClick={() => setFilter('licenseeId', r.licenseeId)}
            />
          )}
        </Group>
      ),
    },
    {
      key: 'usage',
      header: 'Usage',
      render: (r: UsageRow) => (
        <Text
          span
          size="sm"
          fw={500}
          c={status === 'matched' ? undefined : 'red.9'}
          style={{ whiteSpace: 'nowrap' }}
        >
          {r.usage}
        </Text>
      ),
    },
    {
      key: 'units',
      header: 'Units',
      align: 'right' as const,
      render: (r: UsageRow) => (
        <Text span size="sm" className="figure" style={{ whiteSpace: 'nowrap' }}>
          {formatUnits(r.units)} {r.unit}
        </Text>
      ),
    },
    {
      key: 'lines',
      header: 'Lines',
      align: 'right' as const,
      render: (r: UsageRow) => (
        <Text span size="sm" className="figure">
          {r.lines.toLocaleString('en')}
        </Text>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Usage"
        description="Use of your works that licensees reported, by work, usage type and licensee — from the reports that count now (accepted, not superseded)."
      />
      <FilterBar filters={filters} setFilter={setFilter} />
      <UnlicensedAlert
        rows={unlicensed.data?.data}
        more={Boolean(unlicensed.data?.nextCursor)}
        period={filters.period}
      />
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <Stack gap={6}>
          <Title order={3} size="h5">
            Licensed use
          </Title>
          <CursorTable<UsageRow>
            caption="Licensed use: matched to an agreement"
            queryKey={['usage', 'matched', filters]}
            fetchPage={fetchPage('matched')}
            rowKey={rowKey}
            empty={
              filtered
                ? 'No licensed use matches these filters.'
                : 'No licensed use reported yet — it appears once a licensee’s usage report is accepted.'
            }
            columns={columns('matched')}
          />
        </Stack>
        <Stack gap={6}>
          <Group gap="xs">
            <Title order={3} size="h5" c="red.8">
              Unlicensed use
            </Title>
            <Badge color="red" variant="filled" tt="none">
              a claim to pursue
            </Badge>
          </Group>
          <CursorTable<UsageRow>
            caption="Unlicensed use: outside the scope of any agreement"
            queryKey={['usage', 'out-of-scope', filters]}
            fetchPage={fetchPage('out-of-scope')}
            rowKey={rowKey}
            empty={
              filtered
                ? 'No unlicensed use matches these filters.'
                : 'No unlicensed use reported: every use of your works is covered by an agreement.'
            }
            columns={columns('out-of-scope')}
          />
        </Stack>
      </SimpleGrid>
    </>
  );
}

/** Units as the API gives them (a decimal string), grouped by thousands without a float. */
function formatUnits(units: string): string {
  const [whole, fraction] = units.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

function UnlicensedAlert({
  rows,
  more,
  period,
}: {
  rows: UsageRow[] | undefined;
  more: boolean;
  period?: string;
}) {
  if (!rows || rows.length === 0) return null;
  const count = more ? `${COUNTED} or more` : String(rows.length);
  const lines = rows.reduce((sum, r) => sum + r.lines, 0);
  const licensees = new Set(rows.map((r) => r.licenseeId)).size;
  return (
    <Alert
      color="red"
      variant="light"
      mb="md"
      title={`${count} unlicensed use${rows.length === 1 && !more ? '' : 's'} of your works — a claim to pursue`}
      data-testid="unlicensed-alert"
    >
      {more ? 'At least ' : ''}
      {lines.toLocaleString('en')} reported line{lines === 1 ? '' : 's'} by{' '}
      {licensees === 1 ? 'one licensee' : `${licensees} licensees`}
      {period && MONTH.test(period) ? ` in reports for ${bucketLabel(period)}` : ''} used your works
      in ways their agreements don&apos;t cover (a usage type or work outside the licence). Each is
      grounds to claim a fee or offer them a licence.
    </Alert>
  );
}

function FilterBar({
  filters,
  setFilter,
}: {
  filters: Filters;
  setFilter: (name: string, value: string | null) => void;
}) {
  const works = useQuery({
    queryKey: ['works', 'options'],
    queryFn: async () => unwrap(await api.GET('/v1/works', { params: { query: { limit: 200 } } })),
  });
  const workOptions = (works.data?.data ?? []).map((w) => ({ value: w.id, label: w.title }));
  if (filters.workId && !workOptions.some((o) => o.value === filters.workId)) {
    workOptions.unshift({ value: filters.workId, label: filters.workId });
  }
  const usageOptions = [...USAGES];
  if (filters.usage && !usageOptions.includes(filters.usage)) usageOptions.unshift(filters.usage);
  const licensee = useQuery({
    queryKey: ['usage', 'licensee-name', filters.licenseeId],
    enabled: Boolean(filters.licenseeId),
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/usage', {
          params: { query: { licenseeId: filters.licenseeId, limit: 1 } },
        }),
      ),
  });
  const licenseeName = licensee.data?.data[0]?.licenseeName ?? filters.licenseeId;
  const invalidPeriod = filters.period && !MONTH.test(filters.period);

  return (
    <Paper withBorder radius="sm" p="sm" mb="md">
      <Group align="flex-end" gap="sm">
        <TextInput
          type="month"
          label="Period"
          title="Reports whose period starts in this month"
          value={filters.period ?? ''}
          onChange={(event) => setFilter('period', event.currentTarget.value || null)}
          error={invalidPeriod ? 'A month, YYYY-MM' : undefined}
          size="sm"
          w={200}
        />
        <Select
          label="Work"
          placeholder="Every work"
          data={workOptions}
          value={filters.workId ?? null}
          onChange={(value) => setFilter('workId', value)}
          searchable
          clearable
          size="sm"
          w={300}
          nothingFoundMessage="No work of that title"
        />
        <Select
          label="Usage type"
          placeholder="Every usage type"
          data={usageOptions}
          value={filters.usage ?? null}
          onChange={(value) => setFilter('usage', value)}
          clearable
          size="sm"
          w={200}
        />
        {filters.licenseeId && (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Licensee
            </Text>
            <Group gap={4}>
              <Badge variant="light" size="lg" tt="none">
                {licenseeName}
              </Badge>
              <Button
                size="compact-sm"
                variant="subtle"
                onClick={() => setFilter('licenseeId', null)}
              >
                Every licensee
              </Button>
            </Group>
          </Stack>
        )}
      </Group>
    </Paper>
  );
}
