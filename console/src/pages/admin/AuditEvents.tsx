import { Button, Code, Group, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { formatTimestamp } from '../../format/dates';
import {
  auditFiltersFrom,
  auditFiltersToParams,
  dayBound,
  type AuditFilter,
  type AuditFilters,
} from './audit-filters';

type AuditEvent = components['schemas']['AuditEventResponse'];

const TEXT_FILTERS: { name: AuditFilter; label: string; placeholder: string }[] = [
  { name: 'action', label: 'Action', placeholder: 'payout-run.approve' },
  { name: 'resourceType', label: 'Resource type', placeholder: 'payout-run' },
  { name: 'resourceId', label: 'Resource id', placeholder: 'Whole id' },
  { name: 'organizationId', label: 'Organization id', placeholder: 'Whole id' },
  { name: 'principalId', label: 'Principal id', placeholder: 'Whole id' },
  { name: 'apiKeyId', label: 'API key id', placeholder: 'Whole id' },
];

export default function AuditEvents() {
  const [params, setParams] = useSearchParams();
  const applied = auditFiltersFrom(params);
  // The form holds what is typed; Apply puts it in the URL, which the list reads.
  const [draft, setDraft] = useState<AuditFilters>(applied);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const apply = (filters: AuditFilters) => setParams(auditFiltersToParams(filters));
  const filtered = Object.keys(applied).length > 0;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through the API: who, with which key, to what, and when. Newest first."
      />
      <Paper withBorder radius="sm" p="sm" mb="sm">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            apply(draft);
          }}
          aria-label="Audit log filters"
        >
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="xs">
            {TEXT_FILTERS.map((filter) => (
              <TextInput
                key={filter.name}
                label={filter.label}
                placeholder={filter.placeholder}
                size="xs"
                value={draft[filter.name] ?? ''}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  setDraft((d) => ({ ...d, [filter.name]: value }));
                }}
              />
            ))}
            <DatePickerInput
              type="range"
              allowSingleDateInRange
              label="Days (UTC)"
              placeholder="Any time"
              size="xs"
              clearable
              value={[draft.from?.slice(0, 10) ?? null, dayBefore(draft.to)]}
              onChange={(value) => {
                const [first, last] = value as [string | null, string | null];
                setDraft((d) => ({
                  ...d,
                  from: first ? dayBound(first, 'from') : undefined,
                  to: first ? dayBound(last ?? first, 'to') : undefined,
                }));
              }}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="xs" gap="xs">
            <Button
              size="compact-sm"
              variant="default"
              disabled={!filtered && Object.values(draft).every((v) => !v)}
              onClick={() => {
                setDraft({});
                apply({});
              }}
            >
              Clear filters
            </Button>
            <Button size="compact-sm" type="submit">
              Apply filters
            </Button>
          </Group>
        </form>
      </Paper>
      <CursorTable<AuditEvent>
        caption="Audit events"
        queryKey={['audit-events', applied]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/audit-events', {
              params: { query: { cursor, limit: 50, ...applied } },
            }),
          )
        }
        rowKey={(e) => e.id}
        empty={
          filtered
            ? 'No events match these filters — widen the range or clear a filter.'
            : 'No events yet — they are recorded as organizations, keys and money change.'
        }
        columns={[
          { key: 'at', header: 'When', render: (e) => formatTimestamp(e.occurredAt) },
          {
            key: 'action',
            header: 'Action',
            render: (e) => (
              <Text span ff="monospace" size="sm">
                {e.action}
              </Text>
            ),
          },
          {
            key: 'resource',
            header: 'Resource',
            render: (e) => (
              <Group gap={4} wrap="nowrap">
                <Text span size="sm">
                  {e.resourceType}
                </Text>
                <ShortId id={e.resourceId} label={`${e.resourceType} id`} />
              </Group>
            ),
          },
          {
            key: 'principal',
            header: 'Principal',
            render: (e) => <ShortId id={e.principalId} label="principal id" />,
          },
          {
            key: 'organization',
            header: 'Organization',
            render: (e) => <ShortId id={e.organizationId} label="organization id" />,
          },
          {
            key: 'request',
            header: 'Request',
            render: (e) => <ShortId id={e.requestId} label="request id" />,
          },
          {
            key: 'details',
            header: 'Details',
            render: (e) => (
              <Stack gap={4} align="flex-start">
                <Button
                  size="compact-xs"
                  variant="subtle"
                  aria-expanded={expanded.has(e.id)}
                  aria-controls={`audit-details-${e.id}`}
                  aria-label={`${expanded.has(e.id) ? 'Hide' : 'Show'} details of ${e.action} at ${formatTimestamp(e.occurredAt)}`}
                  onClick={() => toggle(e.id)}
                >
                  {expanded.has(e.id) ? 'Hide' : 'Show'}
                </Button>
                {expanded.has(e.id) && (
                  <Code
                    block
                    id={`audit-details-${e.id}`}
                    maw={420}
                    style={{ whiteSpace: 'pre-wrap' }}
                  >
                    {JSON.stringify(
                      {
                        ...e.details,
                        apiKeyId: e.apiKeyId,
                        resourceOrganizationId: e.resourceOrganizationId,
                        correlationId: e.correlationId,
                      },
                      null,
                      2,
                    )}
                  </Code>
                )}
              </Stack>
            ),
          },
        ]}
      />
    </>
  );
}

/** The last day of a range whose exclusive end is `to` (the inverse of dayBound 'to'). */
function dayBefore(to: string | undefined): string | null {
  if (!to) return null;
  const instant = Date.parse(to);
  if (Number.isNaN(instant)) return null;
  return new Date(instant - 1).toISOString().slice(0, 10);
}
