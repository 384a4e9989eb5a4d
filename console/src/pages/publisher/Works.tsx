import { Anchor, Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ConflictBadge } from '../../components/catalogue/ConflictBadge';
import { workSearch } from '../../components/catalogue/work-search';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { useUrlFilters } from '../../components/use-url-filters';
import { formatTimestamp } from '../../format/dates';

type Work = components['schemas']['WorkResponse'];

export default function Works() {
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilters();
  const text = params.get('search') ?? '';
  const status = (['active', 'withdrawn'] as const).find((s) => s === params.get('status'));
  const conflict = (['true', 'false'] as const).find((c) => c === params.get('conflict'));
  const search = workSearch(text);
  const setSearch = useDebouncedCallback((value: string) => setFilter('search', value), 300);
  // An identifier guessed from the text's shape that the API refused (a bad check digit): the
  // text is searched as a title or external id instead, and the API's reason is said.
  const [refusedGuess, setRefusedGuess] = useState<{ text: string; reason: string } | null>(null);
  const filtered = search.by !== 'none' || status !== undefined || conflict !== undefined;

  return (
    <>
      <PageHeader
        title="Catalogue"
        description="Your works, their identifiers and splits. Find one by title, external id or any identifier."
        actions={
          <>
            <Button component={Link} to="/publisher/imports" variant="default">
              Import a catalogue file
            </Button>
            <Button component={Link} to="/publisher/works/new">
              Register a work
            </Button>
          </>
        }
      />
      <Group mb="sm" gap="md" align="flex-end">
        <TextInput
          label="Find a work"
          description="A title, an external id, or an identifier (isbn:…, an ISBN, a DOI, a URL…)"
          placeholder="e.g. Analytical Engine, NWP-000123, 0-306-40615-2"
          defaultValue={text}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={420}
          type="search"
        />
        <Stack gap={2}>
          <Text size="sm" fw={500} id="status-filter-label">
            Status
          </Text>
          <SegmentedControl
            aria-labelledby="status-filter-label"
            value={status ?? 'all'}
            onChange={(value) => setFilter('status', value === 'all' ? null : value)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'withdrawn', label: 'Withdrawn' },
            ]}
          />
        </Stack>
        <Stack gap={2}>
          <Text size="sm" fw={500} id="conflict-filter-label">
            Conflicts
          </Text>
          <SegmentedControl
            aria-labelledby="conflict-filter-label"
            value={conflict ?? 'all'}
            onChange={(value) => setFilter('conflict', value === 'all' ? null : value)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'true', label: 'Claimed by another publisher' },
              { value: 'false', label: 'No conflict' },
            ]}
          />
        </Stack>
      </Group>
      <Text size="xs" c="dimmed" mb="xs" aria-live="polite">
        {search.by === 'identifier' &&
          !(refusedGuess && refusedGuess.text === text) &&
          `Searching by identifier ${search.identifier} (any written form finds the same work).`}
        {search.by === 'identifier' &&
          refusedGuess?.text === text &&
          `Not a valid identifier (${refusedGuess.reason}): searching titles and external ids for “${text.trim()}”.`}
        {search.by === 'text' &&
          `Searching titles containing “${search.q}” and the external id “${search.q}”.`}
      </Text>
      <CursorTable<Work>
        caption="Works"
        queryKey={['works', { search, status, conflict }]}
        fetchPage={async (cursor) => {
          const common = { cursor, limit: 50, status: status, conflict };
          if (search.by === 'identifier') {
            try {
              const page = unwrap(
                await api.GET('/v1/works', {
                  params: { query: { ...common, identifier: search.identifier } },
                }),
              );
              setRefusedGuess(null);
              return page;
            } catch (error) {
              const reason = isProblem(error) ? error.fieldMessages('identifier') : undefined;
              if (search.explicit || !reason) throw error;
              setRefusedGuess({ text, reason });
              return unwrap(
                await api.GET('/v1/works', {
                  params: { query: { ...common, q: text.trim().slice(0, 200) } },
                }),
              );
            }
          }
          return unwrap(
            await api.GET('/v1/works', {
              params: { query: { ...common, q: search.by === 'text' ? search.q : undefined } },
            }),
          );
        }}
        rowKey={(work) => work.id}
        rowLabel={(work) => `Work ${work.title} (${work.externalId})`}
        onRowClick={(work) => void navigate(`/publisher/works/${work.id}`)}
        empty={
          filtered
            ? 'No work matches — try another spelling, the full external id, or clear the filters.'
            : 'No works yet — register one, or import a catalogue file.'
        }
        columns={[
          {
            key: 'title',
            header: 'Title',
            render: (work) => (
              <Anchor
                component={Link}
                to={`/publisher/works/${work.id}`}
                size="sm"
                onClick={(event) => event.stopPropagation()}
              >
                {work.title}
              </Anchor>
            ),
          },
          {
            key: 'externalId',
            header: 'External id',
            render: (work) => (
              <Text span size="sm" ff="monospace">
                {work.externalId}
              </Text>
            ),
          },
          {
            key: 'identifiers',
            header: 'Identifiers',
            render: (work) => <IdentifierList work={work} />,
          },
          { key: 'kind', header: 'Kind', render: (work) => work.kind },
          {
            key: 'splits',
            header: 'Payees',
            align: 'right',
            render: (work) => (
              <Text span size="sm" className="figure">
                {work.splits.length}
              </Text>
            ),
          },
          {
            key: 'status',
            header: 'Status',
            render: (work) => (
              <Group gap={4} wrap="nowrap">
                <StatusBadge status={work.status} />
                {work.conflict && (
                  <ConflictBadge
                    title={`Another publisher claims ${work.conflictingIdentifiers.join(', ')}`}
                  >
                    conflict
                  </ConflictBadge>
                )}
              </Group>
            ),
          },
          {
            key: 'updated',
            header: 'Updated',
            render: (work) => formatTimestamp(work.updatedAt),
          },
          { key: 'id', header: 'Work', render: (work) => <ShortId id={work.id} label="work id" /> },
        ]}
      />
    </>
  );
}

function IdentifierList({ work }: { work: Work }) {
  if (work.identifiers.length === 0)
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  const shown = work.identifiers.slice(0, 2);
  return (
    <Text span size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
      {shown.map((i) => `${i.scheme}:${i.value}`).join(', ')}
      {work.identifiers.length > shown.length && (
        <Text span size="xs" c="dimmed" ff="sans-serif">
          {' '}
          +{work.identifiers.length - shown.length} more
        </Text>
      )}
    </Text>
  );
}
