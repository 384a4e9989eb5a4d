import {
  Alert,
  Button,
  Grid,
  Group,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FactGrid } from '../../components/FactGrid';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../format/dates';
import { PageLoader } from '../../layout/PageLoader';

type Profile = components['schemas']['BillingProfileResponse'];
type ProfileInput = components['schemas']['PutBillingProfileDto'];
type TaxIdType = components['schemas']['TaxId']['type'];

const TAX_ID_TYPES: { value: TaxIdType; label: string }[] = [
  { value: 'eu_vat', label: 'EU VAT' },
  { value: 'gb_vat', label: 'GB VAT' },
  { value: 'us_ein', label: 'US EIN' },
  { value: 'ch_vat', label: 'CH VAT' },
  { value: 'no_vat', label: 'NO VAT' },
  { value: 'au_abn', label: 'AU ABN' },
  { value: 'ca_bn', label: 'CA BN' },
  { value: 'jp_cn', label: 'JP CN' },
  { value: 'in_gst', label: 'IN GST' },
];

const COLLECTION_METHODS: { value: Profile['collectionMethod']; label: string; what: string }[] = [
  {
    value: 'invoice',
    label: 'By invoice',
    what: 'Stripe emails each invoice; pay it on its Stripe page by any method.',
  },
  {
    value: 'bank-transfer',
    label: 'By bank transfer',
    what: 'Transfer to your virtual bank account at Stripe; a transfer pays the oldest open invoices.',
  },
  {
    value: 'automatic',
    label: 'Automatically',
    what: 'The payment method on file is charged when an invoice is issued.',
  },
];

const CREDIT_PREFERENCES: { value: Profile['creditPreference']; label: string; what: string }[] = [
  {
    value: 'balance',
    label: 'Keep as credit',
    what: 'A credit note becomes credit that your next invoice uses.',
  },
  {
    value: 'refund',
    label: 'Refund',
    what: 'A credit note is refunded to the payment of the invoice it corrects.',
  },
];

interface Draft {
  name: string;
  email: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  state: string;
  country: string;
  taxIds: { type: TaxIdType | null; value: string }[];
  collectionMethod: Profile['collectionMethod'];
  creditPreference: Profile['creditPreference'];
}

function draftOf(profile: Profile): Draft {
  return {
    name: profile.name,
    email: profile.email ?? '',
    line1: profile.address?.line1 ?? '',
    line2: profile.address?.line2 ?? '',
    city: profile.address?.city ?? '',
    postalCode: profile.address?.postalCode ?? '',
    state: profile.address?.state ?? '',
    country: profile.address?.country ?? '',
    taxIds: profile.taxIds.map((t) => ({ type: t.type, value: t.value })),
    collectionMethod: profile.collectionMethod,
    creditPreference: profile.creditPreference,
  };
}

/** The form as the API's request: what was typed, as typed (the API checks it). */
function inputOf(draft: Draft): ProfileInput {
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const anyAddress = [
    draft.line1,
    draft.line2,
    draft.city,
    draft.postalCode,
    draft.state,
    draft.country,
  ].some((v) => v.trim() !== '');
  return {
    name: draft.name,
    ...(optional(draft.email) ? { email: draft.email.trim() } : {}),
    ...(anyAddress
      ? {
          address: {
            line1: draft.line1,
            line2: optional(draft.line2),
            city: draft.city,
            postalCode: optional(draft.postalCode),
            state: optional(draft.state),
            country: draft.country.trim().toUpperCase(),
          },
        }
      : {}),
    taxIds: draft.taxIds.map((t) => ({ type: t.type as TaxIdType, value: t.value })),
    collectionMethod: draft.collectionMethod,
    creditPreference: draft.creditPreference,
  };
}

export default function Billing() {
  const profile = useQuery({
    queryKey: ['billing-profile'],
    queryFn: async () => unwrap(await api.GET('/v1/billing-profile')),
  });

  return (
    <>
      <PageHeader
        title="Billing"
        description="Who your invoices are addressed to and how you pay them. Stripe issues each invoice from this profile."
      />
      {profile.error ? (
        <ProblemAlert error={profile.error} />
      ) : !profile.data ? (
        <PageLoader />
      ) : (
        <Grid gap="md" align="flex-start">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <ProfileForm profile={profile.data} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack gap="md">
              <StripeSide profile={profile.data} />
              <PaymentMethod profile={profile.data} />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}

function StripeSide({ profile }: { profile: Profile }) {
  return (
    <Paper withBorder radius="sm" p="md">
      <Title order={3} size="h5" mb="sm">
        At Stripe
      </Title>
      <FactGrid
        label="At Stripe"
        cols={2}
        facts={[
          {
            label: 'Stripe customer',
            value: (
              <Text span size="sm" ff="monospace">
                {profile.stripeCustomerId ?? 'not yet — made with your first invoice'}
              </Text>
            ),
          },
          {
            label: 'Stripe has this profile',
            value: profile.syncedWithStripe ? (
              <StatusBadge status="synced" />
            ) : (
              <Group gap={6} wrap="nowrap">
                <StatusBadge status="pending" />
                <Text span size="sm">
                  sent with the next invoice
                </Text>
              </Group>
            ),
          },
          {
            label: 'How you pay',
            value: COLLECTION_METHODS.find((m) => m.value === profile.collectionMethod)?.label,
          },
          { label: 'Last changed', value: formatTimestamp(profile.updatedAt) },
        ]}
      />
    </Paper>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(profile));
  const [saved, setSaved] = useState<Profile | null>(null);
  const save = useMutation({
    mutationFn: async (input: ProfileInput) =>
      unwrap(await api.PUT('/v1/billing-profile', { body: input })),
    onSuccess: (answer) => {
      setSaved(answer);
      queries.setQueryData(['billing-profile'], answer);
    },
  });
  const problem = isProblem(save.error) ? save.error : null;
  const fieldError = (field: string) => problem?.fieldMessages(field);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const text = (key: keyof Draft, label: string, field: string, more: object = {}) => (
    <TextInput
      label={label}
      value={draft[key] as string}
      onChange={(event) => set(key, event.currentTarget.value as Draft[typeof key])}
      error={fieldError(field)}
      {...more}
    />
  );
  const shownFields = [
    'name',
    'email',
    'address',
    ...['line1', 'line2', 'city', 'postalCode', 'state', 'country'].map((f) => `address.${f}`),
    'taxIds',
    ...draft.taxIds.flatMap((_, i) => [`taxIds.${i}`, `taxIds.${i}.type`, `taxIds.${i}.value`]),
    'collectionMethod',
    'creditPreference',
  ];
  const noCard = problem?.code === 'payment-method-missing';

  return (
    <Paper withBorder radius="sm" p="md">
      <form
        noValidate
        aria-label="Billing profile"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(null);
          if (!save.isPending) save.mutate(inputOf(draft));
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5">
            Billing profile
          </Title>
          {saved && (
            <Alert
              color="green"
              variant="light"
              title="Billing profile saved"
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={() => setSaved(null)}
            >
              {saved.syncedWithStripe
                ? 'Stripe has it: the next invoice is addressed as above.'
                : 'Saved; Stripe could not be reached, so it is sent with the next invoice.'}
            </Alert>
          )}
          <SimpleGrid cols={2} spacing="sm">
            {text('name', 'Name on invoices', 'name', { required: true })}
            {text('email', 'Billing email', 'email', {
              inputMode: 'email',
              autoComplete: 'email',
              placeholder: 'Where Stripe sends invoices and receipts',
            })}
          </SimpleGrid>
          <SimpleGrid cols={3} spacing="sm">
            {text('line1', 'Address line 1', 'address.line1')}
            {text('line2', 'Address line 2', 'address.line2')}
            {text('city', 'City', 'address.city')}
            {text('postalCode', 'Postal code', 'address.postalCode')}
            {text('state', 'State or region', 'address.state')}
            {text('country', 'Country', 'address.country', {
              placeholder: 'Two letters, e.g. GB',
              maxLength: 2,
            })}
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Tax ids
            </Text>
            {draft.taxIds.length === 0 && (
              <Text size="sm" c="dimmed">
                No tax id — add your VAT or EIN to have it printed on invoices.
              </Text>
            )}
            {draft.taxIds.map((taxId, index) => (
              <Group key={index} align="flex-start" gap="xs" wrap="nowrap">
                <Select
                  label={`Tax id ${index + 1} kind`}
                  data={TAX_ID_TYPES}
                  value={taxId.type}
                  onChange={(value) =>
                    set(
                      'taxIds',
                      draft.taxIds.map((t, i) => (i === index ? { ...t, type: value } : t)),
                    )
                  }
                  error={fieldError(`taxIds.${index}.type`)}
                  w={150}
                />
                <TextInput
                  label={`Tax id ${index + 1}`}
                  value={taxId.value}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    set(
                      'taxIds',
                      draft.taxIds.map((t, i) => (i === index ? { ...t, value } : t)),
                    );
                  }}
                  error={fieldError(`taxIds.${index}.value`) ?? fieldError(`taxIds.${index}`)}
                  style={{ flex: 1 }}
                />
                <Button
                  variant="subtle"
                  color="gray"
                  mt={28}
                  size="compact-sm"
                  aria-label={`Remove tax id ${index + 1}`}
                  onClick={() =>
                    set(
                      'taxIds',
                      draft.taxIds.filter((_, i) => i !== index),
                    )
                  }
                >
                  Remove
                </Button>
              </Group>
            ))}
            {draft.taxIds.length < 5 && (
              <Group>
                <Button
                  variant="default"
                  size="compact-sm"
                  onClick={() => set('taxIds', [...draft.taxIds, { type: 'gb_vat', value: '' }])}
                >
                  Add a tax id
                </Button>
              </Group>
            )}
          </Stack>
          <SimpleGrid cols={2} spacing="md">
            <Radio.Group
              label="How you pay"
              value={draft.collectionMethod}
              onChange={(value) => set('collectionMethod', value)}
              error={
                fieldError('collectionMethod') ??
                (noCard ? `${problem.title}: ${problem.detail}` : undefined)
              }
            >
              <Stack gap={6} mt={4}>
                {COLLECTION_METHODS.map((m) => (
                  <Radio key={m.value} value={m.value} label={m.label} description={m.what} />
                ))}
              </Stack>
            </Radio.Group>
            <Radio.Group
              label="What credit notes do"
              value={draft.creditPreference}
              onChange={(value) => set('creditPreference', value)}
              error={fieldError('creditPreference')}
            >
              <Stack gap={6} mt={4}>
                {CREDIT_PREFERENCES.map((c) => (
                  <Radio key={c.value} value={c.value} label={c.label} description={c.what} />
                ))}
              </Stack>
            </Radio.Group>
          </SimpleGrid>
          {noCard ? (
            problem.requestId && (
              <Text size="xs" c="dimmed">
                Request {problem.requestId}
              </Text>
            )
          ) : (
            <ProblemAlert error={save.error} shownFields={shownFields} />
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save billing profile
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function PaymentMethod({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const [methodId, setMethodId] = useState('');
  const [removing, setRemoving] = useState(false);
  const answered = (answer: Profile) => queries.setQueryData(['billing-profile'], answer);
  const attach = useMutation({
    mutationFn: async (paymentMethodId: string) =>
      unwrap(await api.POST('/v1/billing-profile/payment-method', { body: { paymentMethodId } })),
    onSuccess: (answer) => {
      setMethodId('');
      answered(answer);
    },
  });
  const detach = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/v1/billing-profile/payment-method')),
    onSuccess: (answer) => {
      setRemoving(false);
      answered(answer);
    },
  });
  const problem = isProblem(attach.error) ? attach.error : null;
  const method = profile.paymentMethod;

  return (
    <Paper withBorder radius="sm" p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          Payment method on file
        </Title>
        {method ? (
          <>
            <FactGrid
              label="Payment method"
              cols={2}
              facts={[
                {
                  label: 'Method',
                  value: `${method.brand ?? method.type}${method.last4 ? ` •••• ${method.last4}` : ''}`,
                },
                { label: 'Kind', value: method.type.replace(/_/g, ' ') },
                {
                  label: 'Stripe id',
                  value: (
                    <Text span size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {method.id}
                    </Text>
                  ),
                },
              ]}
            />
            <Text size="sm" c="dimmed">
              {profile.collectionMethod === 'automatic'
                ? 'Charged when each invoice is issued.'
                : 'On file; charged only when you pay automatically.'}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" color="red" onClick={() => setRemoving(true)}>
                Remove payment method
              </Button>
            </Group>
          </>
        ) : (
          <form
            noValidate
            aria-label="Attach a payment method"
            onSubmit={(event) => {
              event.preventDefault();
              if (!attach.isPending) attach.mutate(methodId.trim());
            }}
          >
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                No payment method on file — attach one to pay automatically (card, SEPA or ACH
                debit).
              </Text>
              <TextInput
                label="Stripe payment method id"
                description="From Stripe.js; in test mode e.g. pm_card_visa"
                placeholder="pm_…"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={methodId}
                onChange={(event) => setMethodId(event.currentTarget.value)}
                error={problem?.fieldMessages('paymentMethodId')}
              />
              <ProblemAlert error={attach.error} shownFields={['paymentMethodId']} />
              <Group justify="flex-end">
                <Button type="submit" loading={attach.isPending}>
                  Attach payment method
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
      <ConfirmAction
        opened={removing}
        onClose={() => {
          if (!detach.isPending) setRemoving(false);
        }}
        title="Remove the payment method"
        confirmLabel="Remove payment method"
        color="red"
        pending={detach.isPending}
        error={detach.error}
        onConfirm={() => detach.mutate()}
      >
        <Text size="sm">
          Remove {method?.brand ?? method?.type} {method?.last4 ? `•••• ${method.last4}` : ''} from
          file.{' '}
          {profile.collectionMethod === 'automatic'
            ? 'Automatic collection falls back to invoice: Stripe emails each invoice instead.'
            : 'Your invoices are paid as before.'}
        </Text>
      </ConfirmAction>
    </Paper>
  );
}
