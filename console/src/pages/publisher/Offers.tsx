import { Button, Group, SegmentedControl } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link } from 'react-router';
import { OffersTable } from '../../components/licensing/OffersTable';
import { RslAddress } from '../../components/licensing/RslAddress';
import { RslImportModal } from '../../components/licensing/RslImport';
import { PageHeader } from '../../components/PageHeader';
import { useUrlFilters } from '../../components/use-url-filters';
import { useSession } from '../../session/session-context';

const STATUSES = [
  { value: '', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'retired', label: 'Retired' },
];

export default function Offers() {
  const session = useSession();
  const [filters, setFilter] = useUrlFilters();
  const requested = filters.get('status');
  const status = requested === 'active' || requested === 'retired' ? requested : undefined;
  const [importing, { open, close }] = useDisclosure(false);
  return (
    <>
      <PageHeader
        title="Offers"
        description="Your licence offers: which works, which uses, where, when and at what price. Licensees accept an active offer into an agreement."
        actions={
          <>
            <Button variant="default" onClick={open}>
              Import RSL
            </Button>
            <Button component={Link} to="/publisher/offers/new">
              New offer
            </Button>
          </>
        }
      />
      <RslAddress publisherId={session.organization.id} />
      <Group mb="md">
        <SegmentedControl
          aria-label="Offers to show"
          size="sm"
          value={status ?? ''}
          onChange={(value) => setFilter('status', value || null)}
          data={STATUSES}
        />
      </Group>
      <OffersTable
        workspace="publisher"
        status={status}
        empty={
          status === 'retired'
            ? 'No retired offers.'
            : 'No offers yet — create one, or import an RSL document into a draft.'
        }
      />
      <RslImportModal opened={importing} onClose={close} />
    </>
  );
}
