import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { FactGrid } from '../FactGrid';
import { PageHeader } from '../PageHeader';
import { ProblemAlert } from '../ProblemAlert';
import { ShortId } from '../ShortId';
import { StatusBadge } from '../StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';
import { useAgreementVersions } from './queries';
import { TermsView } from './TermsView';
import { latestAccepted, type Agreement } from './terms';
import { Versions } from './Versions';

/**
 * An agreement as either party sees it: the parties, its days, the terms in force and every
 * version (1 is the terms it was made on; later ones amendments, proposed or accepted).
 * Each workspace adds its own actions and notices.
 */
export function AgreementView({
  agreement: a,
  workspace,
  actions,
  notice,
}: {
  agreement: Agreement;
  workspace: 'publisher' | 'licensee';
  actions?: ReactNode;
  notice?: ReactNode;
}) {
  const versions = useAgreementVersions(a.id);
  const party = workspace === 'publisher' ? a.licenseeName : a.publisherName;
  const inForce = versions.data ? latestAccepted(versions.data) : undefined;
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to={`/${workspace}/agreements`}>
          Agreements
        </Anchor>{' '}
        / {party}, {a.terms.title}
      </Text>
      <PageHeader
        title={`Agreement with ${party}`}
        description={`${a.terms.title} · terms version ${a.latestVersion}${
          a.latestVersion > 1 ? ` (made on offer version ${a.offerVersion})` : ''
        }`}
        actions={actions}
      />
      <Stack gap="md">
        {notice}
        <Paper withBorder p="md" radius="sm">
          <FactGrid
            label="Agreement"
            facts={[
              { label: 'Status', value: <StatusBadge status={a.status} /> },
              { label: 'Licensee', value: a.licenseeName },
              { label: 'Publisher', value: a.publisherName },
              { label: 'Starts', value: a.startsOn ?? 'on acceptance' },
              { label: 'Ends', value: a.endsOn ?? (a.startsOn ? 'open-ended' : '—') },
              { label: 'Terminated on', value: a.terminatedOn ?? '—' },
              {
                label: 'Offer',
                value: (
                  <Group gap={4} wrap="nowrap">
                    <Anchor component={Link} to={`/${workspace}/offers/${a.offerId}`} size="sm">
                      {a.terms.title}
                    </Anchor>
                    <Text span size="sm" c="dimmed">
                      v{a.offerVersion}
                    </Text>
                  </Group>
                ),
              },
              {
                label: 'Amendment waiting',
                value:
                  a.pendingAmendment !== null
                    ? `Version ${a.pendingAmendment}, for the licensee`
                    : 'None',
              },
              { label: 'Made', value: formatTimestamp(a.createdAt) },
              { label: 'Agreement id', value: <ShortId id={a.id} label="agreement id" /> },
            ]}
          />
        </Paper>
        {versions.error && <ProblemAlert error={versions.error} />}
        {!versions.data && !versions.error && <PageLoader />}
        {inForce && (
          <TermsView
            terms={inForce.terms}
            heading={`Terms in force: version ${inForce.version}${
              inForce.effectiveOn ? `, from ${inForce.effectiveOn}` : ''
            }`}
          />
        )}
        {versions.data && (
          <div>
            <Title order={3} size="h5" mb="xs">
              Versions and amendments
            </Title>
            <Text size="xs" c="dimmed" mb="xs">
              Version 1 is the terms the agreement was made on; each amendment is a later version of
              the offer, in force from its first day until the next. Never retroactive.
            </Text>
            <Versions
              label="Versions of the agreement"
              versions={versions.data.map((v) => ({
                ...v,
                summary: (
                  <Group gap={6} wrap="nowrap">
                    <StatusBadge status={v.status} />
                    <Text size="xs" c="dimmed">
                      {v.effectiveOn ? `from ${v.effectiveOn}` : 'from acceptance'} · offer v
                      {v.offerVersion}
                      {v.acceptedAt ? ` · accepted ${formatTimestamp(v.acceptedAt)}` : ''}
                    </Text>
                  </Group>
                ),
              }))}
            />
          </div>
        )}
      </Stack>
    </>
  );
}
