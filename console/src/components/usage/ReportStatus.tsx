import { Group } from '@mantine/core';
import type { components } from '../../api/schema';
import { StatusBadge } from '../StatusBadge';

type Report = components['schemas']['UsageReportResponse'];

/** A report's state, and "superseded" beside it once a correction replaced it. */
export function ReportStatus({ report }: { report: Report }) {
  return (
    <Group gap={4} wrap="nowrap" component="span">
      <StatusBadge status={report.status} />
      {report.supersededBy && <StatusBadge status="superseded" />}
    </Group>
  );
}
