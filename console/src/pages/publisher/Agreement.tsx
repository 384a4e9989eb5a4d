import { Alert, Anchor, Button, Modal, Stack, Text, TextInput, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { AgreementView } from '../../components/licensing/AgreementView';
import { Loaded } from '../../components/licensing/Loaded';
import { pricingLines, type Agreement } from '../../components/licensing/terms';
import { useAgreement, useAgreementVersions, useOffer } from '../../components/licensing/queries';
import { ProblemAlert } from '../../components/ProblemAlert';

export default function AgreementPage() {
  const { id = '' } = useParams();
  return (
    <Loaded query={useAgreement(id)} what="agreement" title="Agreement">
      {(agreement) => <PublisherAgreement agreement={agreement} />}
    </Loaded>
  );
}

function PublisherAgreement({ agreement }: { agreement: Agreement }) {
  const [proposing, { open, close }] = useDisclosure(false);
  const canPropose = agreement.status === 'active' && agreement.pendingAmendment === null;
  return (
    <>
      <AgreementView
        agreement={agreement}
        workspace="publisher"
        actions={canPropose && <Button onClick={open}>Propose an amendment</Button>}
        notice={
          agreement.pendingAmendment !== null && (
            <Alert color="yellow" variant="light" title="Waiting for the licensee">
              Amendment {agreement.pendingAmendment} waits for {agreement.licenseeName} to accept
              it; until then the earlier terms apply.
            </Alert>
          )
        }
      />
      {proposing && <ProposeAmendment agreement={agreement} onClose={close} />}
    </>
  );
}

/**
 * The publisher proposes moving the agreement to its offer's current version from a date; the
 * licensee accepts it (or not). The API refuses a date in the past, outside the agreement, or
 * an offer with no newer version; its words are shown beside the date.
 */
function ProposeAmendment({ agreement, onClose }: { agreement: Agreement; onClose: () => void }) {
  const queries = useQueryClient();
  const offer = useOffer(agreement.offerId);
  const versions = useAgreementVersions(agreement.id);
  const latest = versions.data?.[versions.data.length - 1];
  const [effectiveOn, setEffectiveOn] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const propose = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/agreements/{id}/amendments', {
          params: { path: { id: agreement.id }, header: { 'Idempotency-Key': idempotencyKey } },
          body: effectiveOn ? { effectiveOn } : {},
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['agreement', agreement.id] });
      void queries.invalidateQueries({ queryKey: ['agreements'] });
      onClose();
    },
    onError: (error) => {
      if (isProblem(error) && error.status >= 400 && error.status < 500)
        setIdempotencyKey(newIdempotencyKey());
    },
  });
  const problem = isProblem(propose.error) ? propose.error : null;
  const current = offer.data;
  const newer = current && latest ? current.version > latest.offerVersion : undefined;
  return (
    <Modal
      opened
      onClose={() => !propose.isPending && onClose()}
      title={`Propose an amendment to ${agreement.licenseeName}`}
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!propose.isPending) propose.mutate();
        }}
      >
        <Stack>
          {offer.error && <ProblemAlert error={offer.error} />}
          {current && latest && (
            <Text size="sm">
              The agreement is on version {latest.offerVersion} of “{current.terms.title}”; the
              offer is at version {current.version}.{' '}
              {newer
                ? `The amendment proposes version ${current.version}:`
                : 'Revise the offer first: there is no newer version to propose.'}
            </Text>
          )}
          {current && newer && (
            <Stack gap={2}>
              {pricingLines(current.terms).map((line, index) => (
                <Text key={index} size="sm">
                  {line.component}
                  {line.usage ? ` ${line.usage}` : ''}: {line.price} {line.basis}
                </Text>
              ))}
            </Stack>
          )}
          {current && newer === false && (
            <Anchor component={Link} to={`/publisher/offers/${current.id}/edit`} size="sm">
              Edit the offer’s terms
            </Anchor>
          )}
          <TextInput
            type="date"
            label="In force from"
            description="Not in the past, inside the agreement; empty: today (UTC)"
            value={effectiveOn}
            onChange={(event) => setEffectiveOn(event.currentTarget.value)}
            error={problem?.fieldMessages('effectiveOn')}
          />
          <ProblemAlert error={propose.error} shownFields={['effectiveOn']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={propose.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={propose.isPending} disabled={propose.isPending}>
              Propose amendment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
