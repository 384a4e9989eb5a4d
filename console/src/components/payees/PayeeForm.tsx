import { Button, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { isProblem } from '../../api/problem';
import { ProblemAlert } from '../ProblemAlert';

export interface PayeeFields {
  name: string;
  email: string;
  country: string;
  currency: string;
}

const FIELDS = ['name', 'email', 'country', 'currency'];

/**
 * A payee's name, email, country and currency, as the API takes them. The API decides what is
 * valid: its refusal is shown in its words, each field error beside its field, and the form keeps
 * what was typed.
 */
export function PayeeForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: PayeeFields;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (fields: PayeeFields) => void;
  onCancel: () => void;
}) {
  const [fields, setFields] = useState(initial);
  const problem = isProblem(error) ? error : null;
  const set = (field: keyof PayeeFields) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setFields((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pending) onSubmit(fields);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Name"
          description="The author, agent or estate as it appears on statements"
          value={fields.name}
          onChange={set('name')}
          maxLength={200}
          required
          data-autofocus
          error={problem?.fieldMessages('name')}
        />
        <TextInput
          label="Email"
          description="Optional; passed to Stripe when onboarding starts"
          type="email"
          value={fields.email}
          onChange={set('email')}
          maxLength={254}
          autoComplete="off"
          error={problem?.fieldMessages('email')}
        />
        <SimpleGrid cols={2}>
          <TextInput
            label="Country"
            description="ISO 3166-1 alpha-2, e.g. GB; optional"
            value={fields.country}
            onChange={(event) => {
              const value = event.currentTarget.value.toUpperCase();
              setFields((current) => ({ ...current, country: value }));
            }}
            maxLength={2}
            autoComplete="off"
            error={problem?.fieldMessages('country')}
          />
          <TextInput
            label="Currency"
            description="ISO 4217 the payee is paid in, e.g. EUR"
            value={fields.currency}
            onChange={(event) => {
              const value = event.currentTarget.value.toUpperCase();
              setFields((current) => ({ ...current, currency: value }));
            }}
            maxLength={3}
            required
            autoComplete="off"
            error={problem?.fieldMessages('currency')}
          />
        </SimpleGrid>
        <ProblemAlert error={error} shownFields={FIELDS} />
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

/** The form's text as the API's body: empty optional fields left out (create) or cleared (edit). */
export function payeeBody(fields: PayeeFields, empty: 'omit' | 'null') {
  const optional = (value: string) => {
    const trimmed = value.trim();
    if (trimmed) return trimmed;
    return empty === 'null' ? null : undefined;
  };
  return {
    name: fields.name,
    email: optional(fields.email),
    country: optional(fields.country),
    currency: fields.currency.trim(),
  };
}
