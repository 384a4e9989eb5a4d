import { Anchor, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { CursorTable, type Column } from '../CursorTable';
import { ShortId } from '../ShortId';
import { StatusBadge } from '../StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { listWords, pricingLines, termWords, type Offer } from './terms';

function Nowrap({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
      {children}
    </Text>
  );
}

/**
 * Licence offers a page at a time: a publisher's own (with their state), or, for a licensee,
 * every active offer with whose it is. A row opens the offer in the same workspace.
 */
export function OffersTable({
  workspace,
  status,
  publisherId,
  empty,
}: {
  workspace: 'publisher' | 'licensee';
  status?: 'active' | 'retired';
  publisherId?: string;
  empty: string;
}) {
  const navigate = useNavigate();
  const columns: Column<Offer>[] = [
    {
      key: 'title',
      header: 'Offer',
      render: (o) => (
        <Text span size="sm" fw={500}>
          {o.terms.title}
        </Text>
      ),
    },
  ];
  if (workspace === 'licensee') {
    columns.push({
      key: 'publisher',
      header: 'Publisher',
      render: (o) => (
        <Anchor
          component={Link}
          style={{ whiteSpace: 'nowrap' }}
          to={`/licensee/offers?publisherId=${o.publisherId}`}
          size="sm"
          onClick={(event) => event.stopPropagation()}
          aria-label={`Only offers of ${o.publisherName}`}
        >
          {o.publisherName}
        </Anchor>
      ),
    });
  }
  columns.push(
    {
      key: 'uses',
      header: 'Uses',
      render: (o) => <Nowrap>{listWords(o.terms.usages, '—')}</Nowrap>,
    },
    { key: 'term', header: 'Term', render: (o) => <Nowrap>{termWords(o.terms.term)}</Nowrap> },
    {
      key: 'pricing',
      header: 'Pricing',
      render: (o) => (
        <Text span size="sm">
          {pricingLines(o.terms)
            .map((line) => `${line.component}${line.usage ? ` ${line.usage}` : ''} ${line.price}`)
            .join(' · ')}
        </Text>
      ),
    },
    { key: 'version', header: 'Version', align: 'right', render: (o) => o.version },
  );
  if (workspace === 'publisher') {
    columns.push({
      key: 'status',
      header: 'Status',
      render: (o) => <StatusBadge status={o.status} />,
    });
  }
  columns.push(
    {
      key: 'updated',
      header: 'Updated',
      render: (o) => <Nowrap>{formatTimestamp(o.updatedAt)}</Nowrap>,
    },
    { key: 'id', header: 'Offer id', render: (o) => <ShortId id={o.id} label="offer id" /> },
  );
  return (
    <CursorTable<Offer>
      caption="Licence offers"
      queryKey={['licence-offers', workspace, { status, publisherId }]}
      fetchPage={async (cursor) =>
        unwrap(
          await api.GET('/v1/licence-offers', {
            params: { query: { status, publisherId, cursor, limit: 50 } },
          }),
        )
      }
      rowKey={(o) => o.id}
      rowLabel={(o) => `Offer ${o.terms.title}`}
      onRowClick={(o) => void navigate(`/${workspace}/offers/${o.id}`)}
      empty={empty}
      columns={columns}
    />
  );
}
