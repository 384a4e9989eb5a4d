import { Anchor, Button, List, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FactGrid } from '../../components/FactGrid';
import { Loaded } from '../../components/licensing/Loaded';
import { useOffer } from '../../components/licensing/queries';
import { TermsView } from '../../components/licensing/TermsView';
import {
  listWords,
  pricingLines,
  scopeWords,
  termWords,
  type Offer,
} from '../../components/licensing/terms';
import { PageHeader } from '../../components/PageHeader';
import { ShortId } from '../../components/ShortId';
import { formatTimestamp } from '../../format/dates';

export default function OfferPage() {
  const { id = '' } = useParams();
  return (
    <Loaded query={useOffer(id)} what="offer" title="Offer">
      {(offer) => <LicenseeOffer offer={offer} />}
    </Loaded>
  );
}

function LicenseeOffer({ offer }: { offer: Offer }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [confirming, { open, close }] = useDisclosure(false);
  // One key per opening of the dialog: a double click or a retry makes one agreement.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const accept = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/agreements', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { offerId: offer.id },
        }),
      ),
    onSuccess: (agreement) => {
      void queries.invalidateQueries({ queryKey: ['agreements'] });
      void navigate(`/licensee/agreements/${agreement.id}`);
    },
    onError: (error) => {
      if (isProblem(error) && error.status >= 400 && error.status < 500)
        setIdempotencyKey(newIdempotencyKey());
    },
  });
  const t = offer.terms;
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/licensee/offers">
          Offers
        </Anchor>{' '}
        / {offer.publisherName}, {t.title}
      </Text>
      <PageHeader
        title={t.title}
        description={`Offered by ${offer.publisherName} · version ${offer.version}`}
        actions={<Button onClick={open}>Accept this offer</Button>}
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Offer"
            facts={[
              { label: 'Publisher', value: offer.publisherName },
              { label: 'Version', value: offer.version },
              { label: 'Last revised', value: formatTimestamp(offer.updatedAt) },
              { label: 'Offer id', value: <ShortId id={offer.id} label="offer id" /> },
            ]}
          />
        </Paper>
        <TermsView terms={t} />
      </Stack>
      <ConfirmAction
        opened={confirming}
        onClose={() => {
          accept.reset();
          close();
        }}
        title={`Accept “${t.title}” from ${offer.publisherName}?`}
        confirmLabel="Accept and make the agreement"
        pending={accept.isPending}
        error={accept.error}
        onConfirm={() => accept.mutate()}
      >
        <Stack gap="xs">
          <Text size="sm">
            You agree to version {offer.version} of these terms; later revisions do not change them
            unless you accept an amendment.
          </Text>
          <List size="sm" spacing={2}>
            <List.Item>Works: {scopeWords(t.scope)}</List.Item>
            <List.Item>
              Uses: {listWords(t.usages, '—')}
              {t.prohibits?.length ? `; prohibited: ${t.prohibits.join(', ')}` : ''}
            </List.Item>
            <List.Item>Territories: {listWords(t.territories, '—')}</List.Item>
            <List.Item>Term: {termWords(t.term)}</List.Item>
            {pricingLines(t).map((line, index) => (
              <List.Item key={index}>
                {line.component}
                {line.usage ? ` for ${line.usage}` : ''}: {line.price} ({line.basis})
              </List.Item>
            ))}
            {t.attributionRequired && <List.Item>Attribution required</List.Item>}
          </List>
        </Stack>
      </ConfirmAction>
    </>
  );
}
