import { Button, Group, SegmentedControl } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { useUrlFilters } from '../../components/use-url-filters';
import { ReportStatus } from '../../components/usage/ReportStatus';
import { formatCount } from '../../components/usage/counts';
import { formatPeriod, formatTimestamp } from '../../format/dates';

type Report = components['schemas']['UsageReportResponse'];
type Status = Report['status'];

const FILTERS: { value: Status | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'received', label: 'Received' },
  { value: 'processing', label: 'Processing' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Rejected' },
];

const moving = (r: Report) => r.status === 'received' || r.status === 'processing';

export default function UsageReports() {
  const navigate = useNavigate();
  const [filters, setFilter] = useUrlFilters();
  const requested = filters.get('status');
  const status = FILTERS.find((f) => f.value === requested)?.value ?? 'all';

  return (
    <>
      <PageHeader
        title="Usage reports"
        description="What you reported using, period by period: each report's status and how its lines matched your agreements."
        actions={
          <Button component={Link} to="/licensee/usage-reports/new">
            Upload a report
          </Button>
        }
      />
      <Group mb="md">
        <SegmentedControl
          aria-label="Reports to show"
          size="sm"
          value={status}
          onChange={(value) => setFilter('status', value === 'all' ? null : value)}
          data={FILTERS}
        />
      </Group>
      <CursorTable<Report>
        caption={`${FILTERS.find((f) => f.value === status)?.label} usage reports`}
        queryKey={['usage-reports', { status }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/usage-reports', {
              params: {
                query: { status: status === 'all' ? undefined : status, cursor, limit: 50 },
              },
            }),
          )
        }
        // Reports still being matched refresh every second until they settle.
        refetchInterval={(rows) => (rows.some(moving) ? 1000 : false)}
        rowKey={(r) => r.id}
        onRowClick={(r) => void navigate(`/licensee/usage-reports/${r.id}`)}
        rowLabel={(r) => `Open usage report ${r.reportId}`}
        empty={
          status === 'all'
            ? 'No usage reports yet — upload one for the period you used works in.'
            : `No ${status} usage reports.`
        }
        columns={[
          { key: 'reportId', header: 'Report', render: (r) => r.reportId },
          {
            key: 'period',
            header: 'Period',
            render: (r) => formatPeriod(r.periodStart, r.periodEnd),
          },
          { key: 'status', header: 'Status', render: (r) => <ReportStatus report={r} /> },
          {
            key: 'lines',
            header: 'Lines',
            align: 'right',
            render: (r) => formatCount(r.received.lineCount),
          },
          {
            key: 'matched',
            header: 'Matched',
            align: 'right',
            render: (r) => formatCount(r.counts.matched),
          },
          {
            key: 'unmatched',
            header: 'Unmatched',
            align: 'right',
            render: (r) => formatCount(r.counts.unmatched),
          },
          {
            key: 'outOfScope',
            header: 'Out of scope',
            align: 'right',
            render: (r) => formatCount(r.counts.outOfScope),
          },
          {
            key: 'invalid',
            header: 'Invalid',
            align: 'right',
            render: (r) => formatCount(r.counts.invalid),
          },
          { key: 'received', header: 'Received', render: (r) => formatTimestamp(r.receivedAt) },
          { key: 'id', header: 'Id', render: (r) => <ShortId id={r.id} label="report id" /> },
        ]}
      />
    </>
  );
}
