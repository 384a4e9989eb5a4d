import { Anchor, Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FactGrid } from '../../components/FactGrid';
import { Loaded } from '../../components/licensing/Loaded';
import { useOffer, useOfferVersions } from '../../components/licensing/queries';
import { TermsView } from '../../components/licensing/TermsView';
import { termWords, type Offer } from '../../components/licensing/terms';
import { Versions } from '../../components/licensing/Versions';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';

export default function OfferPage() {
  const { id = '' } = useParams();
  return (
    <Loaded query={useOffer(id)} what="offer" title="Offer">
      {(offer) => <OfferDetail offer={offer} />}
    </Loaded>
  );
}

function OfferDetail({ offer }: { offer: Offer }) {
  const versions = useOfferVersions(offer.id);
  const [retiring, { open, close }] = useDisclosure(false);
  const queries = useQueryClient();
  const retire = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/licence-offers/{id}/retire', { params: { path: { id: offer.id } } }),
      ),
    onSuccess: (retired) => {
      queries.setQueryData(['licence-offer', offer.id], retired);
      void queries.invalidateQueries({ queryKey: ['licence-offers'] });
      close();
    },
  });
  const active = offer.status === 'active';
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/publisher/offers">
          Offers
        </Anchor>{' '}
        / {offer.terms.title}
      </Text>
      <PageHeader
        title={offer.terms.title}
        description={`Version ${offer.version} · ${termWords(offer.terms.term)} · ${offer.terms.currency}`}
        actions={
          active && (
            <>
              <Button component={Link} to={`/publisher/offers/${offer.id}/edit`} variant="default">
                Edit terms
              </Button>
              <Button color="red" variant="light" onClick={open}>
                Retire offer
              </Button>
            </>
          )
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Offer"
            facts={[
              { label: 'Status', value: <StatusBadge status={offer.status} /> },
              { label: 'Version', value: offer.version },
              { label: 'Created', value: formatTimestamp(offer.createdAt) },
              { label: 'Last revised', value: formatTimestamp(offer.updatedAt) },
              { label: 'Retired', value: formatTimestamp(offer.retiredAt) },
              { label: 'Offer id', value: <ShortId id={offer.id} label="offer id" /> },
            ]}
          />
        </Paper>
        <TermsView terms={offer.terms} heading={`Current terms (version ${offer.version})`} />
        <div>
          <Title order={3} size="h5" mb="xs">
            Versions
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            Editing makes a new version; agreements keep the version they accepted until amended.
          </Text>
          {versions.error ? (
            <ProblemAlert error={versions.error} />
          ) : versions.data ? (
            <Versions
              label="Versions of the offer"
              versions={versions.data.map((v) => ({
                ...v,
                summary: (
                  <Text size="xs" c="dimmed">
                    {formatTimestamp(v.createdAt)}
                  </Text>
                ),
              }))}
            />
          ) : (
            <PageLoader />
          )}
        </div>
      </Stack>
      <ConfirmAction
        opened={retiring}
        onClose={close}
        title={`Retire “${offer.terms.title}”?`}
        confirmLabel="Retire offer"
        color="red"
        pending={retire.isPending}
        error={retire.error}
        onConfirm={() => retire.mutate()}
      >
        <Text size="sm">
          No licensee can accept this offer any more, and it leaves your public RSL document.
          Agreements already made on it keep their terms. A retired offer cannot be revised.
        </Text>
      </ConfirmAction>
    </>
  );
}
