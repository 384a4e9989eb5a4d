import { Alert, Anchor, List, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import {
  emptyOfferForm,
  offerFormFrom,
  type OfferFormState,
} from '../../components/licensing/offer-form-state';
import { Loaded } from '../../components/licensing/Loaded';
import { OfferTermsForm } from '../../components/licensing/OfferTermsForm';
import { useOffer } from '../../components/licensing/queries';
import type { RslDraft } from '../../components/licensing/RslImport';
import type { Offer, Terms } from '../../components/licensing/terms';
import { PageHeader } from '../../components/PageHeader';

/** /publisher/offers/new (blank, or an RSL import's draft) and /publisher/offers/:id/edit. */
export default function OfferForm() {
  const { id } = useParams();
  return id ? <EditOffer id={id} /> : <NewOffer />;
}

function Breadcrumb({ offer }: { offer?: Offer }) {
  return (
    <Text size="sm" mb={4}>
      <Anchor component={Link} to="/publisher/offers">
        Offers
      </Anchor>{' '}
      {offer && (
        <>
          /{' '}
          <Anchor component={Link} to={`/publisher/offers/${offer.id}`}>
            {offer.terms.title}
          </Anchor>{' '}
        </>
      )}
      / {offer ? 'Edit' : 'New offer'}
    </Text>
  );
}

function NewOffer() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const draft = (useLocation().state as { draft?: RslDraft } | null)?.draft;
  const [initial] = useState<OfferFormState>(() =>
    draft ? offerFormFrom(draft.terms) : emptyOfferForm(),
  );
  // One key per attempt: a double submit or a retry after a lost answer publishes one offer.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: async (terms: Terms) =>
      unwrap(
        await api.POST('/v1/licence-offers', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: terms,
        }),
      ),
    onSuccess: (offer) => {
      void queries.invalidateQueries({ queryKey: ['licence-offers'] });
      void navigate(`/publisher/offers/${offer.id}`);
    },
    onError: (error) => {
      // Refused: the service decided, nothing was made; the corrected form is a new request.
      if (isProblem(error) && error.status >= 400 && error.status < 500)
        setIdempotencyKey(newIdempotencyKey());
    },
  });
  return (
    <>
      <Breadcrumb />
      <PageHeader
        title={draft ? 'New offer from an RSL document' : 'New offer'}
        description="Publishing makes the offer active: licensees can accept it at once, and it appears in your RSL document."
      />
      {draft && (
        <Alert color="blue" variant="light" mb="md" title="Draft read from an RSL document">
          <Text size="sm">Nothing is published until you review the terms and publish them.</Text>
          {draft.warnings.length > 0 && (
            <List size="sm" mt={4}>
              {draft.warnings.map((warning, index) => (
                <List.Item key={index}>{warning}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      <OfferTermsForm
        initial={initial}
        submitLabel="Publish offer"
        pending={create.isPending}
        error={create.error}
        onSubmit={(terms) => create.mutate(terms)}
        onCancel={() => void navigate('/publisher/offers')}
      />
    </>
  );
}

function EditOffer({ id }: { id: string }) {
  return (
    <Loaded query={useOffer(id)} what="offer" title="Edit offer">
      {(offer) => <EditOfferForm offer={offer} />}
    </Loaded>
  );
}

function EditOfferForm({ offer }: { offer: Offer }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [initial] = useState(() => offerFormFrom(offer.terms));
  const revise = useMutation({
    mutationFn: async (terms: Terms) =>
      unwrap(
        await api.PUT('/v1/licence-offers/{id}', {
          // The version read: a revision made meanwhile is refused (412), not overwritten.
          params: { path: { id: offer.id }, header: { 'If-Match': String(offer.version) } },
          body: terms,
        }),
      ),
    onSuccess: (revised) => {
      queries.setQueryData(['licence-offer', offer.id], revised);
      void queries.invalidateQueries({ queryKey: ['licence-offer', offer.id, 'versions'] });
      void queries.invalidateQueries({ queryKey: ['licence-offers'] });
      void navigate(`/publisher/offers/${offer.id}`);
    },
  });
  return (
    <>
      <Breadcrumb offer={offer} />
      <PageHeader
        title={`Edit “${offer.terms.title}”`}
        description={`Saving makes version ${offer.version + 1}. Agreements keep the version they accepted; propose an amendment to move one to the new terms.`}
      />
      <OfferTermsForm
        initial={initial}
        submitLabel={`Save as version ${offer.version + 1}`}
        pending={revise.isPending}
        error={revise.error}
        onSubmit={(terms) => revise.mutate(terms)}
        onCancel={() => void navigate(`/publisher/offers/${offer.id}`)}
      />
    </>
  );
}
