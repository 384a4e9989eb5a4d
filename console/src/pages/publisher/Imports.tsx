import {
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { uploadFile, type UploadProgress } from '../../api/upload';
import { contentTypeOf, formatBytes, formatUploadProgress } from '../../components/catalogue/bytes';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { useUrlFilters } from '../../components/use-url-filters';
import { formatTimestamp } from '../../format/dates';

type CatalogueImport = components['schemas']['CatalogueImportResponse'];
const STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
const COUNT = new Intl.NumberFormat('en-GB');

export default function Imports() {
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilters();
  const status = STATUSES.find((s) => s === params.get('status'));
  return (
    <>
      <PageHeader
        title="Imports"
        description="Load a whole catalogue from a file: each line registers or updates one work by its external id; a bad line is rejected alone, with its reason."
      />
      <UploadForm />
      <Group justify="space-between" align="flex-end" mt="xl" mb="xs">
        <Title order={3} size="h5">
          Past imports
        </Title>
        <SegmentedControl
          aria-label="Status"
          size="xs"
          value={status ?? 'all'}
          onChange={(value) => setFilter('status', value === 'all' ? null : value)}
          data={[
            { value: 'all', label: 'All' },
            ...STATUSES.map((s) => ({ value: s, label: s[0].toUpperCase() + s.slice(1) })),
          ]}
        />
      </Group>
      <CursorTable<CatalogueImport>
        caption="Catalogue imports"
        queryKey={['catalogue-imports', { status }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/catalogue-imports', {
              params: { query: { cursor, limit: 50, status: status } },
            }),
          )
        }
        refetchInterval={(rows) =>
          rows.some((row) => row.status === 'queued' || row.status === 'processing') ? 1000 : false
        }
        rowKey={(row) => row.id}
        rowLabel={(row) => `Import of ${formatTimestamp(row.createdAt)}`}
        onRowClick={(row) => void navigate(`/publisher/imports/${row.id}`)}
        empty={
          status
            ? `No ${status} imports — clear the filter to see every import.`
            : 'No imports yet — upload a catalogue file above.'
        }
        columns={[
          {
            key: 'created',
            header: 'Uploaded',
            render: (row) => formatTimestamp(row.createdAt),
          },
          {
            key: 'status',
            header: 'Status',
            width: 120,
            render: (row) => <StatusBadge status={row.status} />,
          },
          { key: 'format', header: 'Format', render: (row) => row.format.toUpperCase() },
          ...(
            [
              ['linesRead', 'Lines'],
              ['linesProcessed', 'Processed'],
              ['created', 'Created'],
              ['updated', 'Updated'],
              ['unchanged', 'Unchanged'],
              ['rejected', 'Rejected'],
            ] as const
          ).map(([field, header]) => ({
            key: field,
            header,
            align: 'right' as const,
            render: (row: CatalogueImport) => (
              <Text span size="sm" className="figure">
                {COUNT.format(row[field])}
              </Text>
            ),
          })),
          {
            key: 'splits',
            header: 'Splits from',
            render: (row) => (
              <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
                {row.splitsEffectiveFrom}
              </Text>
            ),
          },
          {
            key: 'finished',
            header: 'Finished',
            render: (row) => formatTimestamp(row.finishedAt),
          },
          {
            key: 'id',
            header: 'Import',
            render: (row) => <ShortId id={row.id} label="import id" />,
          },
        ]}
      />
    </>
  );
}

type Format = 'auto' | 'application/x-ndjson' | 'text/csv';

function UploadForm() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>('auto');
  const [splitsEffectiveFrom, setSplitsEffectiveFrom] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const abort = useRef<AbortController | null>(null);
  const limits = useQuery({
    queryKey: ['catalogue-imports', 'limits'],
    queryFn: async () => unwrap(await api.GET('/v1/catalogue-imports/limits')),
    staleTime: Infinity,
  });
  const contentType = format === 'auto' ? (file ? contentTypeOf(file.name) : null) : format;
  const maxBytes = limits.data?.maxBytes;
  const tooLarge = file !== null && maxBytes !== undefined && file.size > maxBytes;

  const upload = useMutation({
    mutationFn: async () => {
      abort.current = new AbortController();
      return uploadFile<CatalogueImport>({
        path: '/v1/catalogue-imports',
        query: { splitsEffectiveFrom: splitsEffectiveFrom || undefined },
        file: file!,
        contentType: contentType!,
        // No Idempotency-Key: the route takes none, and needs none — its lines are upserts by
        // external id, so sending the same file again changes nothing (docs/CATALOGUE-IMPORTS.md).
        onProgress: setProgress,
        signal: abort.current.signal,
      });
    },
    onSuccess: (started) => {
      void queries.invalidateQueries({ queryKey: ['catalogue-imports'] });
      void navigate(`/publisher/imports/${started.id}`);
    },
    onSettled: () => {
      abort.current = null;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !contentType || tooLarge || upload.isPending) return;
    setProgress({ loaded: 0, total: file.size });
    upload.mutate();
  };

  return (
    <Paper withBorder p="md" radius="sm">
      <form onSubmit={submit} aria-label="Upload a catalogue file">
        <Stack gap="sm">
          <Title order={3} size="h5">
            Upload a catalogue file
          </Title>
          <Text size="sm" c="dimmed">
            NDJSON (one work per line, the fields of a work) or CSV (a header row, then one work per
            record). The file is streamed from your disk, never loaded into the page.{' '}
            {limits.data
              ? `Files up to ${formatBytes(limits.data.maxBytes)}; ${formatBytes(limits.data.quotaBytesPerDay)} of uploads per 24 hours, imports and usage reports together.`
              : ''}
          </Text>
          <Group align="flex-start" gap="md">
            <FileInput
              label="Catalogue file"
              placeholder="Choose a .ndjson, .jsonl or .csv file"
              value={file}
              onChange={(chosen) => {
                setFile(chosen);
                setProgress(null);
                upload.reset();
              }}
              accept=".ndjson,.jsonl,.csv,application/x-ndjson,text/csv"
              clearable
              w={360}
              disabled={upload.isPending}
              error={
                tooLarge
                  ? `This file is ${formatBytes(file.size)}: the service takes at most ${formatBytes(maxBytes)}`
                  : file && !contentType
                    ? 'Choose the format: the file name does not say it'
                    : undefined
              }
            />
            <Select
              label="Format"
              value={format}
              onChange={(value) => setFormat(value ?? 'auto')}
              allowDeselect={false}
              data={[
                { value: 'auto', label: 'From the file name' },
                { value: 'application/x-ndjson', label: 'NDJSON' },
                { value: 'text/csv', label: 'CSV' },
              ]}
              w={200}
              disabled={upload.isPending}
            />
            <TextInput
              label="Split changes take effect from"
              description="YYYY-MM-DD; empty: today (UTC)"
              type="date"
              value={splitsEffectiveFrom}
              onChange={(e) => setSplitsEffectiveFrom(e.currentTarget.value)}
              w={260}
              disabled={upload.isPending}
            />
          </Group>
          {progress && (upload.isPending || upload.isSuccess) && (
            <Stack gap={4} aria-live="polite">
              <Progress
                value={progress.total > 0 ? (progress.loaded * 100) / progress.total : 0}
                aria-label="Upload progress"
                size="lg"
              />
              <Text size="sm" className="figure">
                {progress.loaded >= progress.total && upload.isPending
                  ? `${formatUploadProgress(progress.loaded, progress.total)} — sent; the service is checking the last lines…`
                  : `Uploading ${formatUploadProgress(progress.loaded, progress.total)}`}
              </Text>
            </Stack>
          )}
          <ProblemAlert error={upload.error} />
          <Group>
            <Button
              type="submit"
              loading={upload.isPending}
              disabled={!file || !contentType || tooLarge}
            >
              Upload and import
            </Button>
            {upload.isPending && (
              <Button variant="default" onClick={() => abort.current?.abort()}>
                Cancel upload
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
