import {
  ActionIcon,
  Button,
  Checkbox,
  Fieldset,
  Group,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { isProblem } from '../../api/problem';
import { currencyExponent } from '../../format/money';
import { ProblemAlert } from '../ProblemAlert';
import {
  EMPTY_RATE,
  termsFromForm,
  type FieldErrors,
  type OfferFormState,
  type PeriodAmountInput,
} from './offer-form-state';
import {
  IDENTIFIER_SCHEMES,
  PERIODS,
  RATE_UNITS,
  USAGES,
  USER_TYPES,
  WORK_KINDS,
  type Terms,
} from './terms';

const NUMERIC = { input: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } } as const;

function exponentOf(currency: string): number | null {
  try {
    return /^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : null;
  } catch {
    return null;
  }
}

/**
 * Every term and pricing component of the API's offer DTO, as a form. The API decides: its
 * refusal is shown in its words, each field error beside its field, and the form keeps what
 * was typed. Used to create, revise (a new version) and review an imported RSL draft.
 */
export function OfferTermsForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: OfferFormState;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (terms: Terms) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<OfferFormState>(initial);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const set = <K extends keyof OfferFormState>(key: K, value: OfferFormState[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const problem = isProblem(error) ? error : null;
  const shown = new Set<string>();
  /** The error beside a field: what the browser could not parse, else the API's words. */
  const errorOf = (...fields: string[]) => {
    for (const field of fields) shown.add(field);
    for (const field of fields) {
      const message = localErrors[field] ?? problem?.fieldMessages(field);
      if (message) return message;
    }
    return undefined;
  };
  const currency = form.currency.trim().toUpperCase();
  const exponent = exponentOf(currency);
  const amountHint =
    exponent === null
      ? 'In major units of the currency'
      : `In ${currency}${exponent > 0 ? `, up to ${exponent} decimals` : ''}`;

  const periodAmount = (
    key: 'flatFee' | 'minimumGuarantee',
    label: string,
    description: string,
  ) => {
    const value: PeriodAmountInput = form[key];
    const update = (patch: Partial<PeriodAmountInput>) => set(key, { ...value, ...patch });
    return (
      <Stack gap={6}>
        <Checkbox
          label={label}
          description={description}
          checked={value.enabled}
          onChange={(event) => update({ enabled: event.currentTarget.checked })}
        />
        {value.enabled && (
          <Group align="flex-start" grow>
            <TextInput
              label={`${label}: amount (${currency})`}
              description={amountHint}
              inputMode="decimal"
              value={value.amount}
              onChange={(event) => update({ amount: event.currentTarget.value })}
              error={errorOf(`pricing.${key}.amount`, `pricing.${key}`)}
              styles={NUMERIC}
            />
            <Select
              label={`${label}: per`}
              data={[...PERIODS]}
              value={value.period}
              allowDeselect={false}
              onChange={(period) => period && update({ period: period })}
              error={errorOf(`pricing.${key}.period`)}
            />
          </Group>
        )}
      </Stack>
    );
  };

  const fields = (
    <>
      <TextInput
        label="Title"
        required
        maxLength={200}
        value={form.title}
        onChange={(event) => set('title', event.currentTarget.value)}
        error={errorOf('title')}
      />
      <Fieldset legend="Scope: which works">
        <Stack gap="sm">
          <SegmentedControl
            aria-label="Scope"
            value={form.scopeType}
            onChange={(value) => set('scopeType', value)}
            data={[
              { value: 'all', label: 'All works' },
              { value: 'works', label: 'Listed works' },
              { value: 'filter', label: 'By kind or identifier' },
            ]}
          />
          {form.scopeType === 'works' && (
            <Textarea
              label="Work ids"
              description="One id per line (your own works)"
              autosize
              minRows={2}
              value={form.workIds}
              onChange={(event) => set('workIds', event.currentTarget.value)}
              error={errorOf('scope.workIds', 'scope')}
            />
          )}
          {form.scopeType === 'filter' && (
            <Group grow align="flex-start">
              <MultiSelect
                label="Kinds of work"
                data={[...WORK_KINDS]}
                value={form.kinds}
                onChange={(value) => set('kinds', value)}
                error={errorOf('scope.kinds')}
              />
              <MultiSelect
                label="Identified by"
                description="Works with an identifier of these schemes"
                data={[...IDENTIFIER_SCHEMES]}
                value={form.identifierSchemes}
                onChange={(value) => set('identifierSchemes', value)}
                error={errorOf('scope.identifierSchemes')}
              />
            </Group>
          )}
        </Stack>
      </Fieldset>
      <Fieldset legend="Uses, places and people">
        <Stack gap="sm">
          <Group grow align="flex-start">
            <TagsInput
              label="Permitted uses"
              description="RSL usages, or an extension like x-acme:finetune"
              data={USAGES}
              value={form.usages}
              onChange={(value) => set('usages', value)}
              error={errorOf('usages')}
              splitChars={[',', ' ']}
            />
            <TagsInput
              label="Prohibited uses"
              description="A prohibition wins over a permission"
              data={USAGES}
              value={form.prohibits}
              onChange={(value) => set('prohibits', value)}
              error={errorOf('prohibits')}
              splitChars={[',', ' ']}
            />
          </Group>
          <Group grow align="flex-start">
            <TagsInput
              label="Territories"
              description="worldwide alone, or EU and ISO country codes (DE, FR…)"
              data={['worldwide', 'EU']}
              value={form.territories}
              onChange={(value) => set('territories', value)}
              error={errorOf('territories')}
              splitChars={[',', ' ']}
            />
            <MultiSelect
              label="User types"
              description="None chosen: any user"
              data={[...USER_TYPES]}
              value={form.userTypes}
              onChange={(value) => set('userTypes', value)}
              error={errorOf('userTypes')}
            />
          </Group>
        </Stack>
      </Fieldset>
      <Fieldset legend="Term">
        <Stack gap="sm">
          <SegmentedControl
            aria-label="Term"
            value={form.termType}
            onChange={(value) => set('termType', value)}
            data={[
              { value: 'dates', label: 'From a date to a date' },
              { value: 'duration', label: 'Months from acceptance' },
            ]}
          />
          {form.termType === 'dates' ? (
            <Group grow align="flex-start">
              <TextInput
                type="date"
                label="Start"
                value={form.start}
                onChange={(event) => set('start', event.currentTarget.value)}
                error={errorOf('term.start', 'term')}
              />
              <TextInput
                type="date"
                label="End"
                description="Inclusive; empty: open-ended"
                value={form.end}
                onChange={(event) => set('end', event.currentTarget.value)}
                error={errorOf('term.end')}
              />
            </Group>
          ) : (
            <TextInput
              label="Duration in months"
              inputMode="numeric"
              value={form.durationMonths}
              onChange={(event) => set('durationMonths', event.currentTarget.value)}
              error={errorOf('term.durationMonths', 'term')}
              styles={NUMERIC}
            />
          )}
        </Stack>
      </Fieldset>
      <Fieldset legend="Pricing">
        <Stack gap="sm">
          <TextInput
            label="Currency"
            description="ISO 4217 code, e.g. EUR"
            maxLength={3}
            w={200}
            value={form.currency}
            onChange={(event) => set('currency', event.currentTarget.value.toUpperCase())}
            error={errorOf('currency')}
          />
          {errorOf('pricing') && (
            <Text c="red.8" size="sm" role="alert">
              {errorOf('pricing')}
            </Text>
          )}
          <Text size="sm" fw={600}>
            Rates per use
          </Text>
          <Text size="xs" c="dimmed">
            A rate is a decimal in minor units of {currency || 'the currency'} (e.g. cents) per the
            number of units given: 0.0125 per 1000 tokens.
          </Text>
          {form.rates.map((rate, index) => {
            const update = (patch: Partial<typeof rate>) =>
              set(
                'rates',
                form.rates.map((r, i) => (i === index ? { ...r, ...patch } : r)),
              );
            const n = index + 1;
            return (
              <Group
                key={index}
                align="flex-start"
                wrap="nowrap"
                role="group"
                aria-label={`Rate ${n}`}
              >
                <Select
                  label={`Rate ${n}: usage`}
                  data={[...new Set([...USAGES, ...form.usages, rate.usage].filter(Boolean))]}
                  searchable
                  value={rate.usage || null}
                  onChange={(usage) => update({ usage: usage ?? '' })}
                  error={errorOf(`pricing.rates.${index}.usage`)}
                  style={{ flex: 2 }}
                />
                <TextInput
                  label={`Rate ${n}: rate`}
                  description="Minor units"
                  inputMode="decimal"
                  value={rate.rate}
                  onChange={(event) => update({ rate: event.currentTarget.value })}
                  error={errorOf(`pricing.rates.${index}.rate`)}
                  styles={NUMERIC}
                  style={{ flex: 2 }}
                />
                <TextInput
                  label={`Rate ${n}: per`}
                  description="Units"
                  inputMode="numeric"
                  value={rate.per}
                  onChange={(event) => update({ per: event.currentTarget.value })}
                  error={errorOf(`pricing.rates.${index}.per`)}
                  styles={NUMERIC}
                  style={{ flex: 1 }}
                />
                <Select
                  label={`Rate ${n}: unit`}
                  description="Of use"
                  data={[...RATE_UNITS]}
                  value={rate.unit}
                  allowDeselect={false}
                  onChange={(unit) => unit && update({ unit: unit })}
                  error={errorOf(`pricing.rates.${index}.unit`)}
                  style={{ flex: 1 }}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  mt={46}
                  aria-label={`Remove rate ${n}`}
                  onClick={() =>
                    set(
                      'rates',
                      form.rates.filter((_, i) => i !== index),
                    )
                  }
                >
                  ×
                </ActionIcon>
              </Group>
            );
          })}
          <Group>
            <Button
              variant="default"
              size="compact-sm"
              onClick={() => set('rates', [...form.rates, { ...EMPTY_RATE }])}
            >
              Add a rate
            </Button>
          </Group>
          {periodAmount('flatFee', 'Flat fee', 'A fixed fee per period')}
          {periodAmount(
            'minimumGuarantee',
            'Minimum guarantee',
            'The least the licensee pays per period, whatever its use',
          )}
          <Stack gap={6}>
            <Checkbox
              label="Revenue share"
              description="A share of the revenue the licensee reports"
              checked={form.revenueShare.enabled}
              onChange={(event) =>
                set('revenueShare', { ...form.revenueShare, enabled: event.currentTarget.checked })
              }
            />
            {form.revenueShare.enabled && (
              <TextInput
                label="Revenue share in basis points"
                description="100 bps = 1 %; at most 10000"
                inputMode="numeric"
                w={300}
                value={form.revenueShare.bps}
                onChange={(event) =>
                  set('revenueShare', { ...form.revenueShare, bps: event.currentTarget.value })
                }
                error={errorOf('pricing.revenueShareBps')}
                styles={NUMERIC}
              />
            )}
          </Stack>
          <Stack gap={6}>
            <Checkbox
              label="Advance"
              description="Paid once on acceptance, recouped from royalties"
              checked={form.advance.enabled}
              onChange={(event) =>
                set('advance', { ...form.advance, enabled: event.currentTarget.checked })
              }
            />
            {form.advance.enabled && (
              <TextInput
                label={`Advance: amount (${currency})`}
                description={amountHint}
                inputMode="decimal"
                w={300}
                value={form.advance.amount}
                onChange={(event) =>
                  set('advance', { ...form.advance, amount: event.currentTarget.value })
                }
                error={errorOf('pricing.advance.amount', 'pricing.advance')}
                styles={NUMERIC}
              />
            )}
          </Stack>
        </Stack>
      </Fieldset>
      <Checkbox
        label="Attribution required"
        checked={form.attributionRequired}
        onChange={(event) => set('attributionRequired', event.currentTarget.checked)}
      />
    </>
  );

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (pending) return;
        const { terms, errors } = termsFromForm(form);
        setLocalErrors(errors);
        if (Object.keys(errors).length === 0) onSubmit(terms);
      }}
    >
      <Stack maw={960}>
        {fields}
        <ProblemAlert error={error} shownFields={[...shown]} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} disabled={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
