import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ConflictBadge } from '../../components/catalogue/ConflictBadge';
import { usePayeeNames } from '../../components/catalogue/payee-names';
import { ConfirmAction } from '../../components/ConfirmAction';
import { CursorTable } from '../../components/CursorTable';
import { FactGrid } from '../../components/FactGrid';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';
import { formatBps } from '../finance/royalty-figures';

type Work = components['schemas']['WorkResponse'];
type WorkVersion = components['schemas']['WorkVersionResponse'];
type SplitVersion = components['schemas']['SplitVersionResponse'];
type UsageRow = components['schemas']['PublisherUsageRow'];

/** The API's date for the first split version: it applies to all time before the next. */
const FIRST_EFFECTIVE_FROM = '0001-01-01';

export default function WorkPage() {
  const { id = '' } = useParams();
  const work = useQuery({
    queryKey: ['work', id],
    queryFn: async () => unwrap(await api.GET('/v1/works/{id}', { params: { path: { id } } })),
  });
  if (isProblem(work.error) && work.error.status === 404) return <NotFound what="work" />;
  if (work.error) return <ProblemAlert error={work.error} />;
  if (!work.data) return <PageLoader />;
  return <WorkDetail work={work.data} />;
}

function WorkDetail({ work }: { work: Work }) {
  const [withdrawing, { open, close }] = useDisclosure(false);
  const queries = useQueryClient();
  const withdraw = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/works/{id}/withdraw', {
          params: { path: { id: work.id }, header: { 'If-Match': String(work.version) } },
        }),
      ),
    onSuccess: (withdrawn) => {
      queries.setQueryData(['work', work.id], withdrawn);
      void queries.invalidateQueries({ queryKey: ['works'] });
      void queries.invalidateQueries({ queryKey: ['work', work.id, 'versions'] });
      close();
    },
  });
  const conflicting = new Set(work.conflictingIdentifiers);

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/publisher/works">
          Catalogue
        </Anchor>{' '}
        / {work.externalId}
      </Text>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>{work.title}</span>
            <StatusBadge status={work.status} />
          </Group>
        }
        description={
          <Group gap="xs" component="span">
            <span>
              {work.externalId} · {work.kind}
            </span>
            <ShortId id={work.id} label="work id" />
          </Group>
        }
        actions={
          work.status === 'active' && (
            <>
              <Button component={Link} to={`/publisher/works/${work.id}/edit`} variant="default">
                Edit
              </Button>
              <Button color="red" variant="light" onClick={open}>
                Withdraw
              </Button>
            </>
          )
        }
      />
      <ConfirmAction
        opened={withdrawing}
        onClose={() => {
          close();
          withdraw.reset();
        }}
        title={`Withdraw ${work.title}?`}
        confirmLabel="Withdraw the work"
        color="red"
        pending={withdraw.isPending}
        error={withdraw.error}
        onConfirm={() => withdraw.mutate()}
      >
        <Text size="sm">
          {work.externalId} can no longer be licensed for new use. Its history, versions and the
          usage already reported stay; a withdrawn work is not brought back by an import.
        </Text>
      </ConfirmAction>
      {work.conflict && (
        <Paper withBorder p="sm" radius="sm" mb="md" bg="red.0">
          <Text size="sm" c="red.9">
            Another publisher also claims {work.conflictingIdentifiers.join(', ')}: money for this
            work is held until the claim is settled.
          </Text>
        </Paper>
      )}
      <Stack gap="lg">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Work"
            facts={[
              { label: 'External id', value: work.externalId },
              { label: 'Kind', value: work.kind },
              { label: 'Language', value: work.language ?? '—' },
              { label: 'Published', value: work.publishedAt ?? '—' },
              { label: 'Version', value: work.version },
              { label: 'Split version', value: work.splitVersion },
              { label: 'Registered', value: formatTimestamp(work.createdAt) },
              { label: 'Last changed', value: formatTimestamp(work.updatedAt) },
              { label: 'Withdrawn', value: formatTimestamp(work.withdrawnAt) },
              {
                label: 'Metadata',
                value:
                  Object.keys(work.metadata).length > 0 ? (
                    <Text span size="sm" ff="monospace">
                      {JSON.stringify(work.metadata)}
                    </Text>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </Paper>

        <Section title="Identifiers">
          {work.identifiers.length === 0 ? (
            <Text size="sm" c="dimmed">
              No identifiers — edit the work to add its ISBN, DOI or URL, so licensees&apos; reports
              find it.
            </Text>
          ) : (
            <Paper withBorder radius="sm">
              <Table>
                <Table.Caption style={{ position: 'absolute', left: -10000 }}>
                  Identifiers of {work.title}
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={140}>Scheme</Table.Th>
                    <Table.Th>Value (as stored, normalized)</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {work.identifiers.map((i) => (
                    <Table.Tr key={`${i.scheme}:${i.value}`}>
                      <Table.Td>{i.scheme}</Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          <Text span size="sm" ff="monospace">
                            {i.value}
                          </Text>
                          {conflicting.has(`${i.scheme}:${i.value}`) && (
                            <ConflictBadge>also claimed by another publisher</ConflictBadge>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </Section>

        <Section title="Splits by effective date">
          <SplitVersions work={work} />
        </Section>

        <Section title="Usage">
          <CursorTable<UsageRow>
            caption={`Usage of ${work.title}`}
            queryKey={['usage', { workId: work.id }]}
            fetchPage={async (cursor) =>
              unwrap(
                await api.GET('/v1/usage', {
                  params: { query: { workId: work.id, cursor, limit: 50 } },
                }),
              )
            }
            rowKey={(row) => `${row.licenseeId}:${row.usage}:${row.unit}:${row.status}`}
            empty="No reported use of this work yet: licensees' accepted usage reports appear here."
            columns={[
              { key: 'usage', header: 'Usage type', render: (row) => row.usage },
              {
                key: 'status',
                header: 'Licensed?',
                render: (row) =>
                  row.status === 'matched' ? (
                    <StatusBadge status="licensed" />
                  ) : (
                    <StatusBadge status="out-of-scope" />
                  ),
              },
              {
                key: 'units',
                header: 'Units',
                align: 'right',
                render: (row) => (
                  <Text span size="sm" className="figure">
                    {formatCount(row.units)} {row.unit}
                  </Text>
                ),
              },
              {
                key: 'lines',
                header: 'Report lines',
                align: 'right',
                render: (row) => (
                  <Text span size="sm" className="figure">
                    {formatCount(row.lines)}
                  </Text>
                ),
              },
              {
                key: 'licensee',
                header: 'Licensee',
                render: (row) => <ShortId id={row.licenseeId} label="licensee id" />,
              },
            ]}
          />
        </Section>

        <Section title="Versions">
          <CursorTable<WorkVersion>
            caption={`Versions of ${work.title}`}
            queryKey={['work', work.id, 'versions', work.version]}
            fetchPage={async (cursor) =>
              unwrap(
                await api.GET('/v1/works/{id}/versions', {
                  params: { path: { id: work.id }, query: { cursor, limit: 50 } },
                }),
              )
            }
            rowKey={(v) => String(v.version)}
            empty="No versions."
            columns={[
              {
                key: 'version',
                header: 'Version',
                align: 'right',
                render: (v) => (
                  <Text span size="sm" className="figure">
                    {v.version}
                  </Text>
                ),
              },
              { key: 'from', header: 'From', render: (v) => formatTimestamp(v.validFrom) },
              {
                key: 'to',
                header: 'Until',
                render: (v) => (v.validTo ? formatTimestamp(v.validTo) : 'now (current)'),
              },
              { key: 'title', header: 'Title', render: (v) => v.work.title },
              { key: 'externalId', header: 'External id', render: (v) => v.work.externalId },
              {
                key: 'identifiers',
                header: 'Identifiers',
                render: (v) => (
                  <Text span size="sm" ff="monospace">
                    {v.work.identifiers.map((i) => `${i.scheme}:${i.value}`).join(', ') || '—'}
                  </Text>
                ),
              },
              {
                key: 'splitVersion',
                header: 'Split version',
                align: 'right',
                render: (v) => v.work.splitVersion,
              },
              {
                key: 'status',
                header: 'Status',
                width: 120,
                render: (v) => <StatusBadge status={v.work.status} />,
              },
            ]}
          />
        </Section>
      </Stack>
    </>
  );
}

function SplitVersions({ work }: { work: Work }) {
  const versions = useQuery({
    queryKey: ['work', work.id, 'split-versions', work.splitVersion],
    queryFn: async () =>
      unwrap(await api.GET('/v1/works/{id}/split-versions', { params: { path: { id: work.id } } })),
  });
  const payeeIds = (versions.data?.data ?? []).flatMap((v) => v.splits.map((s) => s.payeeId));
  const names = usePayeeNames(payeeIds);
  if (versions.error) return <ProblemAlert error={versions.error} />;
  if (!versions.data) return <PageLoader />;
  // Newest first. In force today: the highest version effective on or before today (UTC).
  const ordered = [...versions.data.data].reverse();
  const today = new Date().toISOString().slice(0, 10);
  const inForce = ordered.find((v) => v.effectiveFrom <= today)?.splitVersion;
  return (
    <Paper withBorder radius="sm">
      <Table>
        <Table.Caption style={{ position: 'absolute', left: -10000 }}>
          Split versions of {work.title}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Effective from</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Split version</Table.Th>
            <Table.Th>Payee</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Share</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>bps</Table.Th>
            <Table.Th>Recorded</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ordered.map((version) =>
            version.splits.map((split, index) => (
              <Table.Tr
                key={`${version.splitVersion}:${split.payeeId}`}
                style={
                  index === 0 ? { borderTop: '2px solid var(--mantine-color-gray-4)' } : undefined
                }
              >
                <Table.Td>
                  {index === 0 && (
                    <EffectiveFrom version={version} inForce={inForce} today={today} />
                  )}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  {index === 0 && version.splitVersion}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text span size="sm">
                      {names.get(split.payeeId) ?? '…'}
                    </Text>
                    <ShortId id={split.payeeId} label="payee id" />
                  </Group>
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Text span size="sm" className="figure">
                    {formatBps(split.shareBps)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Text span size="sm" className="figure" c="dimmed">
                    {split.shareBps}
                  </Text>
                </Table.Td>
                <Table.Td>{index === 0 && formatTimestamp(version.recordedAt)}</Table.Td>
              </Table.Tr>
            )),
          )}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function EffectiveFrom({
  version,
  inForce,
  today,
}: {
  version: SplitVersion;
  inForce: number | undefined;
  today: string;
}) {
  const label =
    version.effectiveFrom === FIRST_EFFECTIVE_FROM ? 'the beginning' : version.effectiveFrom;
  return (
    <Group gap={6} wrap="nowrap">
      <Text span size="sm">
        {label}
      </Text>
      {version.splitVersion === inForce && <StatusBadge status="in-force" />}
      {version.effectiveFrom > today && <StatusBadge status="upcoming" />}
    </Group>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      {children}
    </section>
  );
}

const COUNT = new Intl.NumberFormat('en-GB');
/** Whole counts (units arrive as decimal strings of integers): grouped, exactly. */
function formatCount(value: string | number): string {
  const text = String(value);
  return /^\d+$/.test(text) ? COUNT.format(BigInt(text)) : text;
}
