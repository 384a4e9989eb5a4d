import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { FactGrid } from '../../components/FactGrid';
import { FigureGrid } from '../../components/FigureGrid';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatCount } from '../../components/usage/counts';
import { useUrlFilters } from '../../components/use-url-filters';
import { ReportStatus } from '../../components/usage/ReportStatus';
import { formatPeriod, formatTimestamp } from '../../format/dates';
import { shortForm } from '../../format/ids';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';

type Report = components['schemas']['UsageReportResponse'];
type Issue = components['schemas']['UsageIssueResponse'];

const moving = (status: Report['status']) => status === 'received' || status === 'processing';

/** What a line's outcome means, for the codes matching gives (validation words its own reasons). */
const ISSUE_REASONS: Record<string, string> = {
  'unknown-work': 'No work in the catalogue is known by this reference (held in suspense)',
  'identifier-conflict': 'Two publishers claim this identifier (held until resolved)',
  'no-agreement': 'No agreement of yours covers this use',
  withdrawn: 'Used on or after the work’s withdrawal',
  'agreement-does-not-cover': 'The agreement the line names does not cover it',
};

const ISSUE_KINDS: {
  value: 'all' | 'unmatched' | 'out-of-scope' | 'invalid';
  label: string;
  count: (r: Report) => number;
}[] = [
  {
    value: 'all',
    label: 'All',
    count: (r) => r.counts.unmatched + r.counts.outOfScope + r.counts.invalid,
  },
  { value: 'unmatched', label: 'Unmatched', count: (r) => r.counts.unmatched },
  { value: 'out-of-scope', label: 'Out of scope', count: (r) => r.counts.outOfScope },
  { value: 'invalid', label: 'Invalid', count: (r) => r.counts.invalid },
];

export default function UsageReportPage() {
  const { id = '' } = useParams();
  const report = useQuery({
    queryKey: ['usage-report', id],
    queryFn: async () =>
      unwrap(await api.GET('/v1/usage-reports/{id}', { params: { path: { id } } })),
    // The worker's progress: every second while the report is received or processing.
    refetchInterval: (query) =>
      query.state.data && moving(query.state.data.status) ? 1000 : false,
    staleTime: 0,
  });
  if (report.isPending) return <PageLoader />;
  if (isProblem(report.error) && report.error.status === 404) {
    return <NotFound what="usage report" />;
  }
  if (report.error || !report.data) {
    return (
      <>
        <PageHeader title="Usage report" />
        <ProblemAlert error={report.error} />
      </>
    );
  }
  return <ReportDetail report={report.data} />;
}

function ReportDetail({ report: r }: { report: Report }) {
  const queries = useQueryClient();
  const previous = useRef(r.status);
  useEffect(() => {
    // A report that settled changes the list's figures too.
    if (moving(previous.current) && !moving(r.status)) {
      void queries.invalidateQueries({ queryKey: ['usage-reports'] });
    }
    previous.current = r.status;
  }, [r.status, queries]);
  const period = formatPeriod(r.periodStart, r.periodEnd);
  const canCorrect = r.status === 'accepted' && !r.supersededBy;
  const issues = r.counts.unmatched + r.counts.outOfScope + r.counts.invalid;
  const [filters, setFilter] = useUrlFilters();
  const kind = ISSUE_KINDS.find((k) => k.value === filters.get('issues'))?.value ?? 'all';

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/licensee/usage-reports">
          Usage reports
        </Anchor>{' '}
        / {r.reportId}
      </Text>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>Usage report {r.reportId}</span>
            <ReportStatus report={r} />
          </Group>
        }
        description={
          moving(r.status)
            ? 'The worker is matching its lines against your agreements; this page follows it.'
            : r.supersededBy
              ? 'Superseded by a correction: it no longer counts for royalties, and stays readable.'
              : r.status === 'accepted'
                ? 'Accepted: its matched lines count for the royalties of its period.'
                : r.status === 'rejected'
                  ? 'Rejected whole: none of its lines count. Send the fixed report under a new report ID.'
                  : undefined
        }
        actions={
          canCorrect ? (
            <Button
              component={Link}
              to={`/licensee/usage-reports/new?supersedes=${encodeURIComponent(r.id)}`}
              variant="default"
            >
              Submit a correction
            </Button>
          ) : undefined
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Usage report"
            facts={[
              { label: 'Period', value: `${period} (${r.periodStart} – ${r.periodEnd})` },
              { label: 'Status', value: <StatusBadge status={r.status} /> },
              { label: 'Counts for royalties', value: r.counting ? 'Yes' : 'No' },
              { label: 'Format', value: r.format.toUpperCase() },
              { label: 'Currency', value: r.currency ?? '—' },
              { label: 'Report id', value: <ShortId id={r.id} label="report id" /> },
              {
                label: 'Lines received / declared',
                value: `${formatCount(r.received.lineCount)} / ${formatCount(r.declared.lineCount)}`,
              },
              {
                label: 'Units received / declared',
                value: `${formatCount(r.received.units)} / ${formatCount(r.declared.units)}`,
              },
              { label: 'Received', value: formatTimestamp(r.receivedAt) },
              { label: 'Processed', value: formatTimestamp(r.processedAt) },
              { label: 'Accepted', value: formatTimestamp(r.acceptedAt) },
              {
                label: 'Supersedes',
                value: r.supersedes ? <ReportLink id={r.supersedes} /> : '—',
              },
              {
                label: 'Superseded by',
                value: r.supersededBy ? (
                  <>
                    <ReportLink id={r.supersededBy} /> {formatTimestamp(r.supersededAt)}
                  </>
                ) : (
                  '—'
                ),
              },
            ]}
          />
        </Paper>
        {r.rejection && (
          <Alert color="red" variant="light" title={`Rejected: ${r.rejection.code}`} role="alert">
            <Text size="sm">{r.rejection.detail}</Text>
          </Alert>
        )}
        <FigureGrid
          figures={[
            {
              label: 'Matched',
              value: formatCount(r.counts.matched),
              hint: 'Licensed use: counts for royalties',
            },
            {
              label: 'Unmatched',
              value: formatCount(r.counts.unmatched),
              hint: 'Work not known yet: held in suspense',
            },
            {
              label: 'Out of scope',
              value: formatCount(r.counts.outOfScope),
              hint: 'Known work, no agreement covers the use',
            },
            {
              label: 'Invalid',
              value: formatCount(r.counts.invalid),
              hint: 'Refused lines, with their reason',
            },
          ]}
        />
        {r.totalsByUsage.length > 0 && (
          <Paper withBorder radius="sm">
            <Table aria-label="Totals by usage type">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Usage</Table.Th>
                  <Table.Th>Unit</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Valid lines</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Units</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Matched units</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.totalsByUsage.map((t) => (
                  <Table.Tr key={`${t.usage}|${t.unit}`}>
                    <Table.Td>{t.usage}</Table.Td>
                    <Table.Td>{t.unit}</Table.Td>
                    <Table.Td className="figure" style={{ textAlign: 'right' }}>
                      {formatCount(t.lines)}
                    </Table.Td>
                    <Table.Td className="figure" style={{ textAlign: 'right' }}>
                      {formatCount(t.units)}
                    </Table.Td>
                    <Table.Td className="figure" style={{ textAlign: 'right' }}>
                      {formatCount(t.matchedUnits)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
        {r.status === 'accepted' && (
          <Stack gap="xs">
            <Title order={3} size="h4">
              Issues
            </Title>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                Every line that did not match cleanly ({formatCount(issues)}), in line order.
              </Text>
              <SegmentedControl
                aria-label="Issues to show"
                size="sm"
                value={kind}
                onChange={(value) => setFilter('issues', value === 'all' ? null : value)}
                data={ISSUE_KINDS.map((k) => ({
                  value: k.value,
                  label: `${k.label} (${formatCount(k.count(r))})`,
                }))}
              />
            </Group>
            <CursorTable<Issue>
              caption="Issues of this report"
              queryKey={['usage-report-issues', r.id, kind]}
              fetchPage={async (cursor) =>
                unwrap(
                  await api.GET('/v1/usage-reports/{id}/issues', {
                    params: {
                      path: { id: r.id },
                      query: { cursor, limit: 50, status: kind === 'all' ? undefined : kind },
                    },
                    headers: { Accept: 'application/json' },
                  }),
                )
              }
              rowKey={(i) => String(i.lineNo)}
              empty={
                kind === 'all'
                  ? 'No issues: every line matched an agreement.'
                  : `No ${ISSUE_KINDS.find((k) => k.value === kind)?.label.toLowerCase()} lines.`
              }
              columns={[
                {
                  key: 'line',
                  header: 'Line',
                  align: 'right',
                  render: (i) => formatCount(i.lineNo),
                },
                { key: 'lineId', header: 'Line id', render: (i) => i.lineId ?? '—' },
                {
                  key: 'status',
                  header: 'Outcome',
                  width: 130,
                  render: (i) => <StatusBadge status={i.status} />,
                },
                {
                  key: 'reason',
                  header: 'Reason',
                  render: (i) => (
                    <>
                      <Text size="sm">{ISSUE_REASONS[i.reason] ?? i.reason}</Text>
                      {ISSUE_REASONS[i.reason] && (
                        <Text size="xs" c="dimmed">
                          {i.reason}
                        </Text>
                      )}
                    </>
                  ),
                },
                {
                  key: 'work',
                  header: 'Work as named',
                  render: (i) => (
                    <Text size="sm" ff="monospace">
                      {i.workRef ?? '—'}
                    </Text>
                  ),
                },
                { key: 'usage', header: 'Usage', render: (i) => i.usage ?? '—' },
                {
                  key: 'units',
                  header: 'Units',
                  align: 'right',
                  render: (i) => (i.units === null ? '—' : formatCount(i.units)),
                },
              ]}
            />
          </Stack>
        )}
      </Stack>
    </>
  );
}

function ReportLink({ id }: { id: string }) {
  return (
    <Anchor component={Link} to={`/licensee/usage-reports/${id}`} size="sm" ff="monospace">
      {shortForm(id)}
    </Anchor>
  );
}
