import {
  Alert,
  Anchor,
  Button,
  Group,
  Input,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem, type ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { uploadFile, type UploadProgress } from '../../api/upload';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { describeProgress, formatBytes, percentSent } from '../../components/usage/upload-progress';
import { formatPeriod } from '../../format/dates';
import { shortForm } from '../../format/ids';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';

type Report = components['schemas']['UsageReportResponse'];
type Format = 'ndjson' | 'csv';

const CONTENT_TYPES: Record<Format, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};
const HEADER_FIELDS = [
  'reportId',
  'periodStart',
  'periodEnd',
  'currency',
  'supersedes',
  'lineCount',
  'units',
];
const COUNT = /^(0|[1-9]\d{0,17})$/;

interface Header {
  reportId: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  lineCount: string;
  units: string;
}

export default function UsageReportUpload() {
  const [params] = useSearchParams();
  const supersedes = params.get('supersedes');
  const earlier = useQuery({
    queryKey: ['usage-report', supersedes],
    enabled: supersedes !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/usage-reports/{id}', { params: { path: { id: supersedes ?? '' } } }),
      ),
  });
  if (supersedes !== null && earlier.isPending) return <PageLoader />;
  // A correction of a report that cannot be read is no correction: no form, so nothing is sent
  // that would count beside the report it meant to replace.
  if (earlier.error) {
    if (isProblem(earlier.error) && earlier.error.status === 404)
      return <NotFound what="usage report" />;
    return <ProblemAlert error={earlier.error} />;
  }
  return (
    <UploadForm
      // A new form (and its fields prefilled) for each report it corrects.
      key={supersedes ?? 'new'}
      supersedes={earlier.data ?? null}
    />
  );
}

function UploadForm({ supersedes }: { supersedes: Report | null }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [header, setHeader] = useState<Header>(() => ({
    reportId: supersedes ? `${supersedes.reportId}-correction` : '',
    periodStart: supersedes?.periodStart ?? '',
    periodEnd: supersedes?.periodEnd ?? '',
    currency: supersedes?.currency ?? '',
    lineCount: '',
    units: '',
  }));
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>('ndjson');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [touched, setTouched] = useState(false);
  const inFlight = useRef(false);
  const abort = useRef<AbortController | null>(null);

  const problem: ApiProblem | null = isProblem(error) ? error : null;
  const set = (field: keyof Header) => (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setHeader((h) => ({ ...h, [field]: value }));
  };
  const required = (field: keyof Header, words: string) =>
    touched && header[field].trim() === '' ? `Enter ${words}` : undefined;
  const countError = (field: 'lineCount' | 'units', words: string) =>
    required(field, words) ??
    (header[field].trim() !== '' && !COUNT.test(header[field].trim())
      ? 'A whole number of at most 18 digits, without separators'
      : undefined);
  const reused = problem?.code === 'report-id-reused' ? problem : null;
  const existingId = (reused?.document as { existingId?: string } | null)?.existingId;
  const fieldError = (field: string) => problem?.fieldMessages(field);
  const errors = {
    reportId: required('reportId', 'your id for this report') ?? fieldError('reportId'),
    periodStart:
      required('periodStart', 'the first day of the period') ?? fieldError('periodStart'),
    periodEnd: required('periodEnd', 'the last day of the period') ?? fieldError('periodEnd'),
    currency: fieldError('currency'),
    lineCount:
      countError('lineCount', 'the number of lines in the file') ?? fieldError('lineCount'),
    units: countError('units', 'the sum of units over all lines') ?? fieldError('units'),
    file: touched && !file ? 'Choose the report file' : undefined,
  };

  const submit = async () => {
    setTouched(true);
    const incomplete =
      !file ||
      ['reportId', 'periodStart', 'periodEnd', 'lineCount', 'units'].some(
        (f) => header[f as keyof Header].trim() === '',
      ) ||
      !COUNT.test(header.lineCount.trim()) ||
      !COUNT.test(header.units.trim());
    if (incomplete || inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    setError(null);
    setProgress({ loaded: 0, total: file.size });
    abort.current = new AbortController();
    try {
      const report = await uploadFile<Report>({
        path: '/v1/usage-reports',
        query: {
          reportId: header.reportId.trim(),
          periodStart: header.periodStart,
          periodEnd: header.periodEnd,
          currency: header.currency.trim().toUpperCase() || undefined,
          supersedes: supersedes?.id,
          lineCount: header.lineCount.trim(),
          units: header.units.trim(),
        },
        file,
        contentType: CONTENT_TYPES[format],
        onProgress: setProgress,
        signal: abort.current.signal,
      });
      void queries.invalidateQueries({ queryKey: ['usage-reports'] });
      if (supersedes) void queries.invalidateQueries({ queryKey: ['usage-report', supersedes.id] });
      void navigate(`/licensee/usage-reports/${report.id}`);
    } catch (refusal) {
      // The form stays as filled: fix what the API named, send again.
      setError(refusal);
    } finally {
      inFlight.current = false;
      setSending(false);
      abort.current = null;
    }
  };

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/licensee/usage-reports">
          Usage reports
        </Anchor>{' '}
        / {supersedes ? `Correct ${supersedes.reportId}` : 'Upload'}
      </Text>
      <PageHeader
        title={supersedes ? 'Submit a correction' : 'Upload a usage report'}
        description="An NDJSON or CSV file of usage lines, sent straight from disk (gigabytes are fine) with the header below. A worker matches every line against your agreements; the report's page shows its progress and its issues."
      />
      <form
        aria-label="Usage report"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          {supersedes && (
            <Alert color="blue" variant="light" title="A correction">
              <Text size="sm">
                Once accepted, this report replaces{' '}
                <Anchor component={Link} to={`/licensee/usage-reports/${supersedes.id}`} size="sm">
                  {supersedes.reportId}
                </Anchor>{' '}
                ({formatPeriod(supersedes.periodStart, supersedes.periodEnd)}, report{' '}
                {shortForm(supersedes.id)}), which then stops counting but stays readable. It covers
                the same period. If the correction is rejected, the earlier report keeps counting.
              </Text>
            </Alert>
          )}
          <Paper withBorder p="md" radius="sm">
            <Stack gap="md">
              <Section title="Report">
                <TextInput
                  label="Report ID"
                  description="Your own id for this report. Sending the same file again under it returns the same report, never a second one."
                  required
                  maxLength={200}
                  value={header.reportId}
                  onChange={set('reportId')}
                  error={
                    errors.reportId ??
                    (reused ? (
                      <>
                        {reused.title}: {reused.detail}
                        {existingId && (
                          <>
                            {' '}
                            <Anchor
                              component={Link}
                              to={`/licensee/usage-reports/${existingId}`}
                              size="xs"
                              underline="always"
                            >
                              Open the report sent under this id
                            </Anchor>
                          </>
                        )}
                      </>
                    ) : undefined)
                  }
                />
                <TextInput
                  type="date"
                  label="Period start"
                  required
                  value={header.periodStart}
                  onChange={set('periodStart')}
                  readOnly={supersedes !== null}
                  description={supersedes ? 'The corrected report’s period' : undefined}
                  error={errors.periodStart}
                />
                <TextInput
                  type="date"
                  label="Period end"
                  required
                  value={header.periodEnd}
                  onChange={set('periodEnd')}
                  readOnly={supersedes !== null}
                  error={errors.periodEnd}
                />
                <TextInput
                  label="Currency"
                  description="Of any revenue figures in the lines"
                  placeholder="EUR"
                  maxLength={3}
                  value={header.currency}
                  onChange={set('currency')}
                  error={errors.currency}
                />
              </Section>
              <Section title="Declared totals">
                <TextInput
                  label="Lines"
                  description="How many lines the file holds (CSV: without the header row)"
                  inputMode="numeric"
                  required
                  value={header.lineCount}
                  onChange={set('lineCount')}
                  error={errors.lineCount}
                  styles={{ input: { fontVariantNumeric: 'tabular-nums' } }}
                />
                <TextInput
                  label="Units"
                  description="The sum of units over all lines. A difference rejects the report: nothing truncated is taken for complete."
                  inputMode="numeric"
                  required
                  value={header.units}
                  onChange={set('units')}
                  error={errors.units}
                  styles={{ input: { fontVariantNumeric: 'tabular-nums' } }}
                />
              </Section>
              {supersedes && (
                <Text size="sm">
                  Supersedes <ShortId id={supersedes.id} label="superseded report id" />
                </Text>
              )}
              {fieldError('supersedes') && (
                <Text size="sm" c="red.8">
                  {fieldError('supersedes')}
                </Text>
              )}
            </Stack>
          </Paper>
          <Paper withBorder p="md" radius="sm">
            <Stack gap="sm">
              <Group align="flex-end" gap="md">
                <Input.Wrapper
                  label="Report file"
                  description="NDJSON (one line object per line) or CSV with a header row; fields in docs/USAGE.md"
                  required
                  error={errors.file}
                  id="usage-file"
                >
                  <input
                    id="usage-file"
                    type="file"
                    accept=".ndjson,.jsonl,.json,.csv,application/x-ndjson,text/csv"
                    aria-describedby="usage-file-description"
                    aria-invalid={errors.file ? true : undefined}
                    style={{ display: 'block', marginTop: 4, fontSize: 14 }}
                    onChange={(event) => {
                      const chosen = event.currentTarget.files?.[0] ?? null;
                      setFile(chosen);
                      setProgress(null);
                      if (chosen) setFormat(/\.csv$/i.test(chosen.name) ? 'csv' : 'ndjson');
                    }}
                  />
                </Input.Wrapper>
                <SegmentedControl
                  aria-label="File format"
                  value={format}
                  onChange={(value) => setFormat(value)}
                  data={[
                    { value: 'ndjson', label: 'NDJSON' },
                    { value: 'csv', label: 'CSV' },
                  ]}
                  size="sm"
                />
              </Group>
              {file && (
                <Text size="sm" c="dimmed">
                  {file.name}: {formatBytes(file.size)}
                </Text>
              )}
              {progress && (
                <Stack gap={4}>
                  <Progress
                    value={percentSent(progress)}
                    size="lg"
                    animated={sending}
                    aria-label="Upload progress"
                  />
                  <Text
                    size="sm"
                    className="figure"
                    data-testid="upload-progress"
                    aria-live="polite"
                  >
                    {describeProgress(progress)}
                    {sending && progress.loaded >= progress.total
                      ? ' — the service is storing it'
                      : ''}
                  </Text>
                </Stack>
              )}
            </Stack>
          </Paper>
          {error !== null && !reused && (
            <ProblemAlert
              error={error}
              shownFields={HEADER_FIELDS.filter((f) => fieldError(f) !== undefined)}
            />
          )}
          <Group justify="flex-end">
            {sending ? (
              <Button variant="default" onClick={() => abort.current?.abort()}>
                Cancel upload
              </Button>
            ) : (
              <Button component={Link} to="/licensee/usage-reports" variant="default">
                Cancel
              </Button>
            )}
            <Button type="submit" loading={sending}>
              {supersedes ? 'Send the correction' : 'Upload report'}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
        {children}
      </SimpleGrid>
    </Stack>
  );
}
