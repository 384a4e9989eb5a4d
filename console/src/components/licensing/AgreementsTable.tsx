import { Badge, Group, SegmentedControl, Text } from '@mantine/core';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { CursorTable } from '../CursorTable';
import { ShortId } from '../ShortId';
import { StatusBadge } from '../StatusBadge';
import { useUrlFilters } from '../use-url-filters';
import type { Agreement } from './terms';

const STATUSES = ['proposed', 'active', 'terminated', 'expired'] as const;
type Status = (typeof STATUSES)[number];

/**
 * The agreements the organization is a party to, newest first, filtered by state (in the URL):
 * the other party, the offer and the terms' version, dates, and an amendment awaiting the licensee.
 */
export function AgreementsTable({ workspace }: { workspace: 'publisher' | 'licensee' }) {
  const navigate = useNavigate();
  const [filters, setFilter] = useUrlFilters();
  const requested = filters.get('status');
  const status: Status | undefined = STATUSES.find((s) => s === requested);
  const party = (a: Agreement) => (workspace === 'publisher' ? a.licenseeName : a.publisherName);
  return (
    <>
      <Group mb="md">
        <SegmentedControl
          aria-label="Agreements to show"
          size="sm"
          value={status ?? ''}
          onChange={(value) => setFilter('status', value || null)}
          data={[
            { value: '', label: 'All' },
            ...STATUSES.map((s) => ({ value: s, label: s[0].toUpperCase() + s.slice(1) })),
          ]}
        />
      </Group>
      <CursorTable<Agreement>
        caption="Agreements"
        queryKey={['agreements', workspace, { status }]}
        fetchPage={async (cursor) =>
          unwrap(
            await api.GET('/v1/agreements', { params: { query: { status, cursor, limit: 50 } } }),
          )
        }
        rowKey={(a) => a.id}
        rowLabel={(a) => `Agreement with ${party(a)} on ${a.terms.title}`}
        onRowClick={(a) => void navigate(`/${workspace}/agreements/${a.id}`)}
        empty={
          status
            ? `No ${status} agreements.`
            : workspace === 'publisher'
              ? 'No agreements yet — licensees accept your active offers into agreements.'
              : 'No agreements yet — browse the offers and accept one.'
        }
        columns={[
          {
            key: 'party',
            header: workspace === 'publisher' ? 'Licensee' : 'Publisher',
            render: (a) => (
              <Text span size="sm" fw={500}>
                {party(a)}
              </Text>
            ),
          },
          { key: 'offer', header: 'Offer', render: (a) => a.terms.title },
          {
            key: 'version',
            header: 'Terms',
            render: (a) => (
              <Group gap={6} wrap="nowrap">
                <Text span size="sm">
                  version {a.latestVersion}
                </Text>
                {a.pendingAmendment !== null && (
                  <Badge color="yellow" variant="light" radius="sm" tt="none" c="dark.8">
                    amendment {a.pendingAmendment} awaits{' '}
                    {workspace === 'licensee' ? 'you' : 'licensee'}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'status', header: 'Status', render: (a) => <StatusBadge status={a.status} /> },
          { key: 'starts', header: 'Starts', render: (a) => a.startsOn ?? '—' },
          {
            key: 'ends',
            header: 'Ends',
            render: (a) => a.endsOn ?? (a.startsOn ? 'open-ended' : '—'),
          },
          { key: 'terminated', header: 'Terminated', render: (a) => a.terminatedOn ?? '—' },
          {
            key: 'id',
            header: 'Agreement',
            render: (a) => <ShortId id={a.id} label="agreement id" />,
          },
        ]}
      />
    </>
  );
}
