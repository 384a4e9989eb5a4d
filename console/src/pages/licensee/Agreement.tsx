import { Alert, Button, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ConfirmAction } from '../../components/ConfirmAction';
import { AgreementView } from '../../components/licensing/AgreementView';
import { Loaded } from '../../components/licensing/Loaded';
import { useAgreement, useAgreementVersions } from '../../components/licensing/queries';
import {
  listWords,
  pricingLines,
  termWords,
  type Agreement,
  type AgreementVersion,
} from '../../components/licensing/terms';
import { ProblemAlert } from '../../components/ProblemAlert';

export default function AgreementPage() {
  const { id = '' } = useParams();
  return (
    <Loaded query={useAgreement(id)} what="agreement" title="Agreement">
      {(agreement) => <LicenseeAgreement agreement={agreement} />}
    </Loaded>
  );
}

function useRefresh(agreement: Agreement) {
  const queries = useQueryClient();
  return () => {
    void queries.invalidateQueries({ queryKey: ['agreement', agreement.id] });
    void queries.invalidateQueries({ queryKey: ['agreements'] });
  };
}

function LicenseeAgreement({ agreement }: { agreement: Agreement }) {
  const versions = useAgreementVersions(agreement.id);
  const pending = versions.data?.find(
    (v) => v.version === agreement.pendingAmendment && v.status === 'proposed',
  );
  const [accepting, acceptDialog] = useDisclosure(false);
  const [amending, amendDialog] = useDisclosure(false);
  const [terminating, terminateDialog] = useDisclosure(false);
  const active = agreement.status === 'active';
  return (
    <>
      <AgreementView
        agreement={agreement}
        workspace="licensee"
        actions={
          <>
            {agreement.status === 'proposed' && (
              <Button onClick={acceptDialog.open}>Accept agreement</Button>
            )}
            {pending && (
              <Button onClick={amendDialog.open}>Accept amendment {pending.version}</Button>
            )}
            {active && (
              <Button color="red" variant="light" onClick={terminateDialog.open}>
                Terminate
              </Button>
            )}
          </>
        }
        notice={
          <>
            {agreement.status === 'proposed' && (
              <Alert color="yellow" variant="light" title="Proposed to you">
                {agreement.publisherName} proposes this agreement; it starts when you accept it.
              </Alert>
            )}
            {pending && (
              <Alert color="yellow" variant="light" title="An amendment waits for you">
                {agreement.publisherName} proposes version {pending.version} of the terms from{' '}
                {pending.effectiveOn}. Until you accept it, the earlier terms apply.
              </Alert>
            )}
          </>
        }
      />
      {agreement.status === 'proposed' && (
        <AcceptAgreement agreement={agreement} opened={accepting} onClose={acceptDialog.close} />
      )}
      {pending && (
        <AcceptAmendment
          agreement={agreement}
          amendment={pending}
          opened={amending}
          onClose={amendDialog.close}
        />
      )}
      {terminating && <Terminate agreement={agreement} onClose={terminateDialog.close} />}
    </>
  );
}

function TermsList({ terms }: { terms: AgreementVersion['terms'] }) {
  return (
    <List size="sm" spacing={2}>
      <List.Item>Uses: {listWords(terms.usages, '—')}</List.Item>
      <List.Item>Territories: {listWords(terms.territories, '—')}</List.Item>
      <List.Item>Term: {termWords(terms.term)}</List.Item>
      {pricingLines(terms).map((line, index) => (
        <List.Item key={index}>
          {line.component}
          {line.usage ? ` for ${line.usage}` : ''}: {line.price} ({line.basis})
        </List.Item>
      ))}
    </List>
  );
}

function AcceptAgreement({
  agreement,
  opened,
  onClose,
}: {
  agreement: Agreement;
  opened: boolean;
  onClose: () => void;
}) {
  const refresh = useRefresh(agreement);
  const accept = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/agreements/{id}/accept', { params: { path: { id: agreement.id } } }),
      ),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <ConfirmAction
      opened={opened}
      onClose={onClose}
      title={`Accept “${agreement.terms.title}” from ${agreement.publisherName}?`}
      confirmLabel="Accept agreement"
      pending={accept.isPending}
      error={accept.error}
      onConfirm={() => accept.mutate()}
    >
      <Text size="sm">The agreement starts today (UTC) on these terms:</Text>
      <TermsList terms={agreement.terms} />
    </ConfirmAction>
  );
}

function AcceptAmendment({
  agreement,
  amendment,
  opened,
  onClose,
}: {
  agreement: Agreement;
  amendment: AgreementVersion;
  opened: boolean;
  onClose: () => void;
}) {
  const refresh = useRefresh(agreement);
  const accept = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/agreements/{id}/amendments/{version}/accept', {
          params: { path: { id: agreement.id, version: amendment.version } },
        }),
      ),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <ConfirmAction
      opened={opened}
      onClose={onClose}
      title={`Accept amendment ${amendment.version}?`}
      confirmLabel={`Accept amendment ${amendment.version}`}
      pending={accept.isPending}
      error={accept.error}
      onConfirm={() => accept.mutate()}
    >
      <Text size="sm">
        From {amendment.effectiveOn}, “{amendment.terms.title}” (offer version{' '}
        {amendment.offerVersion}) replaces the terms in force:
      </Text>
      <TermsList terms={amendment.terms} />
    </ConfirmAction>
  );
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Ends the agreement: its last day in scope (default today, UTC); use after it is unlicensed. */
function Terminate({ agreement, onClose }: { agreement: Agreement; onClose: () => void }) {
  const refresh = useRefresh(agreement);
  const [effectiveOn, setEffectiveOn] = useState(todayUtc);
  const terminate = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/agreements/{id}/terminate', {
          params: { path: { id: agreement.id } },
          body: effectiveOn ? { effectiveOn } : {},
        }),
      ),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  const problem = isProblem(terminate.error) ? terminate.error : null;
  return (
    <Modal
      opened
      onClose={() => !terminate.isPending && onClose()}
      title={`Terminate the agreement with ${agreement.publisherName}?`}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!terminate.isPending) terminate.mutate();
        }}
      >
        <Stack>
          <Text size="sm">
            “{agreement.terms.title}” ends: use after the last day is out of scope (unlicensed).
            This cannot be undone.
          </Text>
          <TextInput
            type="date"
            label="Last day in scope"
            description={`Not before the start (${agreement.startsOn ?? '—'}); empty: today (UTC)`}
            value={effectiveOn}
            onChange={(event) => setEffectiveOn(event.currentTarget.value)}
            error={problem?.fieldMessages('effectiveOn')}
          />
          <ProblemAlert error={terminate.error} shownFields={['effectiveOn']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={terminate.isPending}>
              Back
            </Button>
            <Button
              type="submit"
              color="red"
              loading={terminate.isPending}
              disabled={terminate.isPending}
            >
              Terminate agreement
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
