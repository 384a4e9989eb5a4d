import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { formatTimestamp } from '../../format/dates';
import { FactGrid } from '../FactGrid';
import { ProblemAlert } from '../ProblemAlert';
import { StatusBadge } from '../StatusBadge';
import { PAYOUT_STATE_WORDS, payoutState } from './payout-state';

type Payee = components['schemas']['PayeeListItemResponse'];

/**
 * The payee's Stripe Express account: whether it can receive payouts (the API's answer, kept
 * current by Stripe's webhooks), and onboarding — each start makes a fresh link, opened in a new
 * tab or sent to the payee. The link is shown, never opened by script (no pop-up to block).
 */
export function StripeOnboarding({ payee }: { payee: Payee }) {
  const queries = useQueryClient();
  const state = payoutState(payee);
  const account = useQuery({
    queryKey: ['payees', payee.id, 'stripe-account'],
    enabled: payee.stripeAccountId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/payees/{id}/stripe-account', { params: { path: { id: payee.id } } }),
      ),
  });
  const onboard = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/payees/{id}/stripe-account', {
          params: { path: { id: payee.id } },
          body: {},
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['payees'] }),
  });
  const link = onboard.data;
  const details = account.data;

  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={3} size="h5">
              Stripe payouts
            </Title>
            <Group gap="xs">
              <StatusBadge status={state} />
              <Text size="sm">{PAYOUT_STATE_WORDS[state]}</Text>
            </Group>
          </Stack>
          <Group gap="xs">
            {payee.stripeAccountId && (
              <Button
                variant="subtle"
                size="compact-sm"
                onClick={() => void queries.invalidateQueries({ queryKey: ['payees'] })}
              >
                Check again
              </Button>
            )}
            <Button
              variant={state === 'payouts-enabled' ? 'default' : 'filled'}
              loading={onboard.isPending}
              disabled={onboard.isPending}
              onClick={() => {
                if (!onboard.isPending) onboard.mutate();
              }}
            >
              {state === 'not-onboarded' ? 'Start Stripe onboarding' : 'New onboarding link'}
            </Button>
          </Group>
        </Group>
        {details && (
          <FactGrid
            label="Stripe account"
            cols={{ base: 2, md: 4 }}
            facts={[
              {
                label: 'Account',
                value: (
                  <Text span ff="monospace" size="sm">
                    {details.stripeAccountId}
                  </Text>
                ),
              },
              { label: 'Payouts enabled', value: details.payoutsEnabled ? 'Yes' : 'No' },
              { label: 'Transfers capability', value: details.transfersCapability },
              { label: 'Details submitted', value: details.detailsSubmitted ? 'Yes' : 'No' },
            ]}
          />
        )}
        {state === 'not-onboarded' && !link && (
          <Text size="sm" c="dimmed">
            {payee.name} cannot be paid until they complete Stripe&apos;s onboarding. Start it to
            get a link to open or send them.
          </Text>
        )}
        {link?.onboardingUrl && (
          <Stack gap={2} role="status">
            <Text size="sm">
              <Anchor href={link.onboardingUrl} target="_blank" rel="noopener noreferrer">
                Open Stripe onboarding
              </Anchor>{' '}
              (a new tab) — or send the link to {payee.name}.
            </Text>
            <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {link.onboardingUrl}
              {link.onboardingUrlExpiresAt &&
                ` · expires ${formatTimestamp(link.onboardingUrlExpiresAt)}`}
            </Text>
          </Stack>
        )}
        <ProblemAlert error={onboard.error ?? account.error} />
      </Stack>
    </Paper>
  );
}
