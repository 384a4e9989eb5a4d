import { Alert, Anchor, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
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
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';

type CatalogueImport = components['schemas']['CatalogueImportResponse'];
type ImportError = components['schemas']['ImportErrorResponse'];

/** Rejected lines per page. */
const ERRORS_PER_PAGE = 20;
const COUNT = new Intl.NumberFormat('en-GB');

export default function ImportPage() {
  const { id = '' } = useParams();
  const found = useQuery({
    queryKey: ['catalogue-import', id],
    queryFn: async () =>
      unwrap(await api.GET('/v1/catalogue-imports/{id}', { params: { path: { id } } })),
    // Live while the worker loads it: every second, stopping when it ends.
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'queued' || status === 'processing' ? 1000 : false;
    },
  });
  if (isProblem(found.error) && found.error.status === 404) return <NotFound what="import" />;
  if (found.error) return <ProblemAlert error={found.error} />;
  if (!found.data) return <PageLoader />;
  return <ImportDetail run={found.data} />;
}

function ImportDetail({ run }: { run: CatalogueImport }) {
  const moving = run.status === 'queued' || run.status === 'processing';
  const percent = run.linesRead > 0 ? (run.linesProcessed * 100) / run.linesRead : 0;
  const count = (n: number) => COUNT.format(n);
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/publisher/imports">
          Imports
        </Anchor>{' '}
        /
      </Text>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>Import of {formatTimestamp(run.createdAt)}</span>
            <StatusBadge status={run.status} />
          </Group>
        }
        description={
          <Group gap="xs" component="span">
            <ShortId id={run.id} label="import id" />
            <span>
              {run.format.toUpperCase()} · split changes from {run.splitsEffectiveFrom}
              {run.finishedAt && ` · finished ${formatTimestamp(run.finishedAt)}`}
            </span>
          </Group>
        }
      />
      {run.failure && (
        <Alert color="red" variant="light" title="The import failed" mb="md" role="alert">
          {run.failure}
        </Alert>
      )}
      <Paper withBorder p="md" radius="sm" mb="md">
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {moving ? 'Loading…' : 'Lines processed'}
            </Text>
            <Text size="sm" className="figure" aria-label="Lines processed of lines read">
              {count(run.linesProcessed)} of {count(run.linesRead)} lines ({percent.toFixed(1)} %)
            </Text>
          </Group>
          <Progress
            value={percent}
            size="lg"
            animated={moving}
            aria-label="Import progress"
            color={run.status === 'failed' ? 'red' : undefined}
          />
          {moving && (
            <Text size="xs" c="dimmed">
              Refreshed every second until the worker has gone through every line.
            </Text>
          )}
        </Stack>
      </Paper>
      <FigureGrid
        cols={4}
        figures={[
          { label: 'Created', value: count(run.created), hint: 'New works' },
          { label: 'Updated', value: count(run.updated), hint: 'Works that changed' },
          { label: 'Unchanged', value: count(run.unchanged), hint: 'Identical to the stored work' },
          { label: 'Rejected', value: count(run.rejected), hint: 'Lines listed below' },
        ]}
      />
      <Paper withBorder p="md" radius="sm" mb="md">
        <FactGrid
          label="Import"
          facts={[
            { label: 'Status', value: run.status },
            { label: 'Format', value: run.format.toUpperCase() },
            { label: 'Lines read', value: count(run.linesRead) },
            { label: 'Split changes from', value: run.splitsEffectiveFrom },
            { label: 'Uploaded', value: formatTimestamp(run.createdAt) },
            { label: 'Finished', value: formatTimestamp(run.finishedAt) },
          ]}
        />
      </Paper>
      <Title order={3} size="h5" mb="xs">
        Rejected lines
      </Title>
      <CursorTable<ImportError>
        caption="Rejected lines of the import"
        // Keyed by the count, so the list refreshes as the worker rejects more lines.
        queryKey={['catalogue-import', run.id, 'errors', run.rejected]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/catalogue-imports/{id}/errors', {
              params: { path: { id: run.id }, query: { cursor, limit: ERRORS_PER_PAGE } },
            }),
          )
        }
        rowKey={(row) => String(row.lineNo)}
        empty={
          moving
            ? 'No line rejected so far.'
            : 'No line was rejected: every line was loaded or was already as stored.'
        }
        columns={[
          {
            key: 'line',
            header: 'Line',
            align: 'right',
            width: 90,
            render: (row) => (
              <Text span size="sm" className="figure">
                {count(row.lineNo)}
              </Text>
            ),
          },
          {
            key: 'externalId',
            header: 'External id',
            width: 220,
            render: (row) =>
              row.externalId ? (
                // The catalogue searched for it: an update that was refused finds its work.
                <Anchor
                  component={Link}
                  to={`/publisher/works?search=${encodeURIComponent(row.externalId)}`}
                  size="sm"
                  ff="monospace"
                  title={`Find ${row.externalId} in the catalogue`}
                >
                  {row.externalId}
                </Anchor>
              ) : (
                <Text span size="sm" c="dimmed">
                  —
                </Text>
              ),
          },
          { key: 'reason', header: 'Reason', render: (row) => row.reason },
        ]}
      />
    </>
  );
}
