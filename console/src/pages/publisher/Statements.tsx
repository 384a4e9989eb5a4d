import { Anchor, Group, Paper, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { statementFigureColumns } from '../../components/statement-figures';
import { useUrlFilters } from '../../components/use-url-filters';
import { formatPeriod } from '../../format/dates';

type Statement = components['schemas']['StatementResponse'];

/** Each of the publisher's payees' statements, from posted runs (the API shows it no preview). */
export default function Statements() {
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilters();
  const payeeId = params.get('payeeId') ?? undefined;
  const payees = useQuery({
    queryKey: ['payees', 'options'],
    queryFn: async () => unwrap(await api.GET('/v1/payees', { params: { query: { limit: 200 } } })),
  });
  const options = (payees.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  if (payeeId && !options.some((o) => o.value === payeeId)) {
    options.unshift({ value: payeeId, label: payeeId });
  }

  return (
    <>
      <PageHeader
        title="Statements"
        description="What each of your payees earned in each posted royalty run, line by line, per currency — with a CSV for each."
      />
      <Paper withBorder radius="sm" p="sm" mb="md">
        <Group align="flex-end" gap="sm">
          <Select
            label="Payee"
            placeholder="Every payee"
            data={options}
            value={payeeId ?? null}
            onChange={(value) => setFilter('payeeId', value)}
            searchable
            clearable
            size="sm"
            w={320}
            nothingFoundMessage="No payee of that name"
          />
        </Group>
      </Paper>
      <CursorTable<Statement>
        caption="Statements"
        queryKey={['statements', { payeeId }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/statements', {
              params: { query: { payeeId, cursor, limit: 50 } },
            }),
          )
        }
        rowKey={(s) => s.id}
        rowLabel={(s) =>
          `Statement of ${s.payeeName}, ${formatPeriod(s.periodStart, s.periodEnd)} (${s.currency})`
        }
        onRowClick={(s) => void navigate(`/publisher/statements/${s.id}`)}
        empty={
          payeeId
            ? 'No statements for this payee yet — clear the filter to see every payee’s.'
            : 'No statements yet — each payee gets one when finance posts a royalty run with usage of your works.'
        }
        columns={[
          {
            key: 'payee',
            header: 'Payee',
            render: (s) => (
              <Anchor
                component={Link}
                to={`/publisher/statements/${s.id}`}
                size="sm"
                onClick={(event) => event.stopPropagation()}
              >
                {s.payeeName}
              </Anchor>
            ),
          },
          {
            key: 'period',
            header: 'Period',
            render: (s) => formatPeriod(s.periodStart, s.periodEnd),
          },
          { key: 'currency', header: 'Currency', render: (s) => s.currency },
          ...statementFigureColumns<Statement>(),
          {
            key: 'id',
            header: 'Statement',
            render: (s) => <ShortId id={s.id} label="statement id" />,
          },
        ]}
      />
    </>
  );
}
