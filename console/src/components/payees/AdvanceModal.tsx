import { Button, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { typedAmountError } from '../../format/amount-input';
import { currencyExponent, formatMoney, parseAmount } from '../../format/money';
import { ProblemAlert } from '../ProblemAlert';

type Payee = components['schemas']['PayeeListItemResponse'];
export type Advance = components['schemas']['PayeeAdvanceResponse'];

const FIELDS = ['amount', 'currency', 'paidOn', 'reference'];

/** A currency code Intl knows (so its decimals are known); the API decides whether it accepts it. */
function exponentOf(currency: string): number | null {
  if (!/^[A-Z]{3}$/.test(currency)) return null;
  try {
    return currencyExponent(currency);
  } catch {
    return null;
  }
}

/**
 * Record an advance the publisher paid the payee outside the platform: typed in major units and
 * made integer minor units by parseAmount (never a float), restated in a confirmation, sent once
 * with an Idempotency-Key made when the dialog opened (a refused request stores nothing under it, so
 * the corrected one may reuse it). A refusal returns to the form, as filled, with each field error
 * beside its field.
 */
export function AdvanceModal({
  payee,
  onClose,
  onRecorded,
}: {
  payee: Payee;
  onClose: () => void;
  onRecorded: (advance: Advance) => void;
}) {
  const queries = useQueryClient();
  // One key per opening of the dialog: a double submit or a retry records one advance.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [step, setStep] = useState<'form' | 'confirm'>('form');
  const [amountText, setAmountText] = useState('');
  const [currency, setCurrency] = useState(payee.currency ?? '');
  const [paidOn, setPaidOn] = useState('');
  const [reference, setReference] = useState('');
  const [touched, setTouched] = useState(false);

  const exponent = exponentOf(currency);
  const minor =
    exponent === null || amountText.trim() === '' ? null : parseAmount(amountText, currency);
  const tooLarge = minor !== null && minor > BigInt(Number.MAX_SAFE_INTEGER);
  const valid = minor !== null && minor > 0n && !tooLarge;

  const record = useMutation({
    mutationFn: async (amount: number) =>
      unwrap(
        await api.POST('/v1/payees/{id}/advances', {
          params: { path: { id: payee.id }, header: { 'Idempotency-Key': idempotencyKey } },
          body: {
            amount,
            currency,
            ...(paidOn ? { paidOn } : {}),
            ...(reference.trim() ? { reference: reference.trim() } : {}),
          },
        }),
      ),
    onSuccess: (advance) => {
      void queries.invalidateQueries({ queryKey: ['balances'] });
      onRecorded(advance);
    },
    onError: () => setStep('form'),
  });
  const problem = isProblem(record.error) ? record.error : null;

  const typedError =
    exponent === null
      ? undefined
      : (typedAmountError(amountText, currency, touched) ??
        (touched && amountText.trim() === '' ? 'Enter the amount advanced' : undefined));
  const currencyError =
    touched && exponent === null ? 'Enter a three-letter currency code, e.g. EUR' : undefined;

  return (
    <Modal
      opened
      onClose={() => {
        if (!record.isPending) onClose();
      }}
      title={step === 'form' ? `Record an advance to ${payee.name}` : 'Confirm the advance'}
      size="lg"
    >
      {step === 'form' ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setTouched(true);
            if (valid && exponent !== null) setStep('confirm');
          }}
        >
          <Stack>
            <Text size="sm">
              An advance you paid {payee.name} outside the platform. Their earnings repay it to you
              first, before they become theirs.
            </Text>
            <SimpleGrid cols={2}>
              <TextInput
                label={`Amount${exponent !== null ? ` (${currency})` : ''}`}
                description={
                  exponent !== null
                    ? `In ${currency}${exponent > 0 ? `, up to ${exponent} decimals` : ''}; "," separates thousands`
                    : 'In the currency below'
                }
                inputMode="decimal"
                autoComplete="off"
                data-autofocus
                required
                value={amountText}
                onChange={(event) => setAmountText(event.currentTarget.value)}
                onBlur={() => setTouched(true)}
                error={typedError ?? problem?.fieldMessages('amount')}
                styles={{ input: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } }}
              />
              <TextInput
                label="Currency"
                description="ISO 4217, e.g. EUR"
                maxLength={3}
                autoComplete="off"
                required
                value={currency}
                onChange={(event) => setCurrency(event.currentTarget.value.toUpperCase())}
                error={currencyError ?? problem?.fieldMessages('currency')}
              />
              <TextInput
                label="Paid on"
                description="Default today (UTC) when left empty"
                type="date"
                value={paidOn}
                onChange={(event) => setPaidOn(event.currentTarget.value)}
                error={problem?.fieldMessages('paidOn')}
              />
              <TextInput
                label="Reference"
                description="Optional, e.g. the contract"
                maxLength={200}
                value={reference}
                onChange={(event) => setReference(event.currentTarget.value)}
                error={problem?.fieldMessages('reference')}
              />
            </SimpleGrid>
            {valid && exponent !== null && (
              <Text size="sm" c="dimmed" aria-live="polite">
                Records {formatMoney(minor, currency)}
              </Text>
            )}
            <ProblemAlert error={record.error} shownFields={FIELDS} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit">Review</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          <Text size="sm" fw={600}>
            Record an advance of {formatMoney(minor!, currency)} paid to {payee.name}
            {paidOn ? ` on ${paidOn}` : ' today'}
            {reference.trim() ? ` (${reference.trim()})` : ''}.
          </Text>
          <Text size="sm" c="dimmed">
            The ledger records {payee.name} owing you {formatMoney(minor!, currency)}; their
            earnings in {currency} repay it before anything is payable to them.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStep('form')} disabled={record.isPending}>
              Back
            </Button>
            <Button
              loading={record.isPending}
              disabled={record.isPending}
              data-autofocus
              onClick={() => {
                if (!record.isPending) record.mutate(Number(minor));
              }}
            >
              Record advance
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
