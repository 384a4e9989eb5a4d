import { Button, Group, Text } from '@mantine/core';
import { OffersTable } from '../../components/licensing/OffersTable';
import { PageHeader } from '../../components/PageHeader';
import { useUrlFilters } from '../../components/use-url-filters';

export default function Offers() {
  const [filters, setFilter] = useUrlFilters();
  const publisherId = filters.get('publisherId') ?? undefined;
  return (
    <>
      <PageHeader
        title="Offers"
        description="Every publisher's active licence offers. Open one to read its terms and accept it into an agreement."
      />
      {publisherId && (
        <Group mb="md" gap="xs">
          <Text size="sm">Showing one publisher’s offers.</Text>
          <Button size="compact-xs" variant="subtle" onClick={() => setFilter('publisherId', null)}>
            Show every publisher
          </Button>
        </Group>
      )}
      <OffersTable
        workspace="licensee"
        publisherId={publisherId}
        empty="No offers are open to you now — publishers' active offers appear here."
      />
    </>
  );
}
