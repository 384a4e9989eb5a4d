import { Anchor, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiProblem, isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../CursorTable';
import { FactGrid } from '../FactGrid';
import { Money } from '../Money';
import { PageHeader } from '../PageHeader';
import { ProblemAlert } from '../ProblemAlert';
import { ShortId } from '../ShortId';
import { formatPeriod } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../../pages/NotFound';
import { describeRate, formatBps } from '../../pages/finance/royalty-figures';

type Statement = components['schemas']['StatementResponse'];
type Line = components['schemas']['StatementLineResponse'];

/** Lines per page: the size of the first page the statement itself carries. */
const LINES_PER_PAGE = 200;

/**
 * Who is reading: finance links the publisher's statements and the run; a publisher (who sees
 * posted runs only, and no run page) links its own list and the payee.
 */
export type StatementWorkspace = 'finance' | 'publisher';

/**
 * A statement, line by line, with its CSV download: finance's and the publisher's Statement
 * page (`/<workspace>/statements/:id`). A 404 (unknown, or another organization's) is Not found.
 */
export function StatementView({ workspace }: { workspace: StatementWorkspace }) {
  const { id = '' } = useParams();
  const statement = useQuery({
    queryKey: ['statement', id],
    queryFn: async (): Promise<Statement> => {
      const body = unwrap(
        await api.GET('/v1/statements/{id}', {
          params: { path: { id } },
          headers: { Accept: 'application/json' },
        }),
      );
      // The route also answers CSV (for the download link); this page asked for JSON.
      if (typeof body === 'string') throw new ApiProblem(406, null);
      return body;
    },
  });
  if (statement.isPending) return <PageLoader />;
  if (isProblem(statement.error) && statement.error.status === 404) {
    return <NotFound what="statement" />;
  }
  if (statement.error || !statement.data) {
    return (
      <>
        <PageHeader title="Statement" />
        <ProblemAlert error={statement.error} />
      </>
    );
  }
  return <StatementDetail statement={statement.data} workspace={workspace} />;
}

function StatementDetail({
  statement: s,
  workspace,
}: {
  statement: Statement;
  workspace: StatementWorkspace;
}) {
  const period = formatPeriod(s.periodStart, s.periodEnd);
  const finance = workspace === 'finance';
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to={`/${workspace}/statements`}>
          Statements
        </Anchor>{' '}
        / {s.payeeName}, {period}
      </Text>
      <PageHeader
        title={`Statement of ${s.payeeName} — ${period}`}
        description={`${s.publisherName} · ${s.currency}`}
        actions={
          // A plain same-origin link: the browser downloads it with the session cookie, streamed.
          <Button
            component="a"
            href={`/v1/statements/${encodeURIComponent(s.id)}?format=csv`}
            download={`statement-${s.id}.csv`}
            variant="default"
          >
            Download CSV
          </Button>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Statement"
            facts={[
              {
                label: 'Payee',
                value: finance ? (
                  s.payeeName
                ) : (
                  <Anchor component={Link} to={`/publisher/payees/${s.payeeId}`} size="sm">
                    {s.payeeName}
                  </Anchor>
                ),
              },
              {
                label: 'Publisher',
                value: finance ? (
                  <Anchor
                    component={Link}
                    to={`/finance/statements?publisherId=${s.publisherId}`}
                    size="sm"
                  >
                    {s.publisherName}
                  </Anchor>
                ) : (
                  s.publisherName
                ),
              },
              {
                label: 'Period',
                value: finance ? (
                  <Anchor component={Link} to={`/finance/royalty-runs/${s.runId}`} size="sm">
                    {period}
                  </Anchor>
                ) : (
                  period
                ),
              },
              { label: 'Currency', value: s.currency },
              {
                label: 'Gross',
                value: <Money minor={s.gross} currency={s.currency} size="sm" signed />,
              },
              {
                label: 'Commission',
                value: <Money minor={s.commission} currency={s.currency} size="sm" signed />,
              },
              {
                label: 'Net',
                value: <Money minor={s.net} currency={s.currency} size="sm" fw={700} signed />,
              },
              { label: 'Payee id', value: <ShortId id={s.payeeId} label="payee id" /> },
              { label: 'Run id', value: <ShortId id={s.runId} label="run id" /> },
              { label: 'Statement id', value: <ShortId id={s.id} label="statement id" /> },
            ]}
          />
        </Paper>
        <div>
          <Title order={3} size="h5" mb="xs">
            Lines
          </Title>
          <CursorTable<Line>
            caption={`Lines of the statement of ${s.payeeName}, ${period}`}
            queryKey={['statement', s.id, 'lines']}
            fetchPage={async (cursor) => {
              // The first page came with the statement; the rest a page at a time.
              if (cursor === undefined && s.lines) {
                return { data: s.lines, nextCursor: s.linesNextCursor ?? null };
              }
              return unwrap(
                await api.GET('/v1/statements/{id}/lines', {
                  params: { path: { id: s.id }, query: { cursor, limit: LINES_PER_PAGE } },
                }),
              );
            }}
            rowKey={(line) => String(line.lineNo)}
            empty="No lines: nothing was earned on this statement."
            columns={[
              {
                key: 'line',
                header: '#',
                align: 'right',
                render: (l) => (
                  <Text span size="sm" className="figure" c="dimmed">
                    {l.lineNo}
                  </Text>
                ),
              },
              { key: 'kind', header: 'Kind', render: (l) => <Nowrap>{l.kind}</Nowrap> },
              {
                key: 'work',
                header: 'Work',
                render: (l) =>
                  l.workId ? (
                    <ShortId id={l.workId} label="work id" />
                  ) : (
                    <Tooltip label="A fee with no usage to spread it over: the publisher's default payee">
                      <Text span size="sm" c="dimmed">
                        no work
                      </Text>
                    </Tooltip>
                  ),
              },
              { key: 'usage', header: 'Usage', render: (l) => <Nowrap>{l.usage ?? '—'}</Nowrap> },
              {
                key: 'units',
                header: 'Units',
                align: 'right',
                render: (l) => (
                  <Text span size="sm" className="figure" style={{ whiteSpace: 'nowrap' }}>
                    {l.units === null ? '—' : `${l.units}${l.unit ? ` ${l.unit}` : ''}`}
                  </Text>
                ),
              },
              {
                key: 'rate',
                header: 'Rate (minor units)',
                align: 'right',
                render: (l) => (
                  <Text span size="sm" className="figure" style={{ whiteSpace: 'nowrap' }}>
                    {describeRate(l) ?? '—'}
                  </Text>
                ),
              },
              {
                key: 'share',
                header: 'Share',
                align: 'right',
                render: (l) => (
                  <Text span size="sm" className="figure">
                    {formatBps(l.shareBps)}
                  </Text>
                ),
              },
              {
                key: 'gross',
                header: 'Gross',
                align: 'right',
                render: (l) => <Money minor={l.gross} currency={s.currency} size="sm" signed />,
              },
              {
                key: 'commission',
                header: 'Commission',
                align: 'right',
                render: (l) => (
                  <Money minor={l.commission} currency={s.currency} size="sm" signed />
                ),
              },
              {
                key: 'net',
                header: 'Net',
                align: 'right',
                render: (l) => <Money minor={l.net} currency={s.currency} size="sm" signed />,
              },
              {
                key: 'agreement',
                header: 'Agreement',
                render: (l) => <ShortId id={l.agreementId} label="agreement id" />,
              },
              {
                key: 'adjusts',
                header: 'Corrects',
                render: (l) =>
                  l.adjustment ? (
                    <Tooltip
                      label={`Usage reports ${l.adjustment.reportIds.join(', ')}`}
                      multiline
                      w={320}
                    >
                      {finance ? (
                        <Anchor
                          component={Link}
                          to={`/finance/royalty-runs/${l.adjustment.runId}`}
                          size="sm"
                        >
                          {formatPeriod(l.adjustment.periodStart, l.adjustment.periodEnd)}
                        </Anchor>
                      ) : (
                        <Text span size="sm" tabIndex={0}>
                          {formatPeriod(l.adjustment.periodStart, l.adjustment.periodEnd)}
                        </Text>
                      )}
                    </Tooltip>
                  ) : (
                    <Text span size="sm" c="dimmed">
                      —
                    </Text>
                  ),
              },
            ]}
          />
          <Group justify="flex-end" mt={4}>
            <Text size="xs" c="dimmed">
              Rates are the agreement&apos;s, in minor units of {s.currency} per the units shown;
              revenue shares in bps of the reported revenue.
            </Text>
          </Group>
        </div>
      </Stack>
    </>
  );
}

function Nowrap({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
      {children}
    </Text>
  );
}
