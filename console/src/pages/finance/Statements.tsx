import { statementFigureColumns } from '../../components/statement-figures';
import { shortForm } from '../../format/ids';
import { Anchor, Button, Group, Paper, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { FilterButton } from '../../components/FilterButton';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { formatPeriod } from '../../format/dates';

type Statement = components['schemas']['StatementResponse'];

/** The list's filters: exactly the API's query parameters, kept in the address. */
const FILTERS = ['runId', 'payeeId', 'publisherId'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Partial<Record<Filter, string>>;

function filtersOf(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

export default function Statements() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const filtered = Object.keys(filters).length > 0;
  const apply = (next: Filters) => {
    const search = new URLSearchParams();
    for (const name of FILTERS) if (next[name]) search.set(name, next[name]);
    setParams(search);
  };

  return (
    <>
      <PageHeader
        title="Statements"
        description="What each payee earned in each royalty run, per currency. Publishers see them once their run is posted; finance sees previews too."
      />
      <FilterBar key={params.toString()} filters={filters} onApply={apply} />
      <CursorTable<Statement>
        caption="Statements"
        queryKey={['statements', filters]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/statements', {
              params: { query: { ...filters, cursor, limit: 50 } },
            }),
          )
        }
        rowKey={(s) => s.id}
        rowLabel={(s) =>
          `Statement of ${s.payeeName}, ${formatPeriod(s.periodStart, s.periodEnd)} (${s.currency})`
        }
        onRowClick={(s) => void navigate(`/finance/statements/${s.id}`)}
        empty={
          filtered
            ? 'No statements match these filters — clear them to see every statement.'
            : 'No statements yet — calculate a royalty run: each payee who earned something gets a statement.'
        }
        columns={[
          {
            key: 'payee',
            header: 'Payee',
            render: (s) => (
              <Group gap={4} wrap="nowrap">
                <Anchor
                  component={Link}
                  to={`/finance/statements/${s.id}`}
                  size="sm"
                  onClick={(event) => event.stopPropagation()}
                >
                  {s.payeeName}
                </Anchor>
                {filters.payeeId !== s.payeeId && (
                  <FilterButton
                    label={`Show only statements of payee ${s.payeeName}`}
                    onClick={() => apply({ ...filters, payeeId: s.payeeId })}
                  />
                )}
              </Group>
            ),
          },
          {
            key: 'publisher',
            header: 'Publisher',
            render: (s) => (
              <Group gap={4} wrap="nowrap">
                <span>{s.publisherName}</span>
                {filters.publisherId !== s.publisherId && (
                  <FilterButton
                    label={`Show only statements of publisher ${s.publisherName}`}
                    onClick={() => apply({ ...filters, publisherId: s.publisherId })}
                  />
                )}
              </Group>
            ),
          },
          {
            key: 'period',
            header: 'Period',
            render: (s) => (
              <Anchor
                component={Link}
                to={`/finance/royalty-runs/${s.runId}`}
                size="sm"
                onClick={(event) => event.stopPropagation()}
                aria-label={`Royalty run ${formatPeriod(s.periodStart, s.periodEnd)}`}
              >
                {formatPeriod(s.periodStart, s.periodEnd)}
              </Anchor>
            ),
          },
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

/** Filters are typed, then applied together (one request, one entry in the history). */
function FilterBar({ filters, onApply }: { filters: Filters; onApply: (f: Filters) => void }) {
  const filtered = Object.keys(filters).length > 0;
  const [draft, setDraft] = useState<Filters>(filters);
  const runs = useQuery({
    queryKey: ['royalty-runs', 'options'],
    queryFn: async () =>
      unwrap(await api.GET('/v1/royalty-runs', { params: { query: { limit: 100 } } })),
  });
  const runOptions = (runs.data?.data ?? []).map((run) => ({
    value: run.id,
    label: `${formatPeriod(run.periodStart, run.periodEnd)} · ${run.status} · ${shortForm(run.id)}`,
  }));
  if (draft.runId && !runOptions.some((option) => option.value === draft.runId)) {
    runOptions.unshift({ value: draft.runId, label: draft.runId });
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const set = (name: Filter) => (value: string | null) =>
    setDraft((current) => ({ ...current, [name]: value?.trim() || undefined }));

  return (
    <Paper withBorder radius="sm" p="sm" mb="md" component="form" onSubmit={submit}>
      <Group align="flex-end" gap="sm">
        <Select
          label="Royalty run"
          placeholder="Any run"
          data={runOptions}
          value={draft.runId ?? null}
          onChange={set('runId')}
          searchable
          clearable
          size="sm"
          w={280}
          nothingFoundMessage="No run of that name"
        />
        <TextInput
          label="Payee id"
          placeholder="Any payee"
          value={draft.payeeId ?? ''}
          onChange={(event) => set('payeeId')(event.currentTarget.value)}
          size="sm"
          w={300}
          spellCheck={false}
        />
        <TextInput
          label="Publisher id"
          placeholder="Any publisher"
          value={draft.publisherId ?? ''}
          onChange={(event) => set('publisherId')(event.currentTarget.value)}
          size="sm"
          w={300}
          spellCheck={false}
        />
        <Button type="submit" size="sm">
          Apply filters
        </Button>
        <Button
          variant="default"
          size="sm"
          disabled={!filtered && !Object.values(draft).some(Boolean)}
          onClick={() => onApply({})}
        >
          Clear
        </Button>
      </Group>
    </Paper>
  );
}
