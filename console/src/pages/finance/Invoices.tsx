import { shortForm } from '../../format/ids';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem, type ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { collectionColumns } from '../../components/collection/collection-columns';
import { withCollections, type WithCollection } from '../../components/collection/collections';
import { IssueAgain } from '../../components/collection/IssueAgain';
import { invoiceFigureColumns } from '../../components/invoice-figures';
import { FactGrid } from '../../components/FactGrid';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { formatPeriod } from '../../format/dates';
import { typedAmountError } from '../../format/amount-input';
import { currencyExponent, formatMoney, parseAmount } from '../../format/money';

type Invoice = WithCollection<components['schemas']['InvoiceResponse']>;
type Payment = components['schemas']['InvoicePaymentResponse'];
type StatusFilter = 'outstanding' | 'paid' | 'all';

const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'outstanding', label: 'Outstanding' },
  { value: 'paid', label: 'Paid' },
  { value: 'all', label: 'All' },
];

const EMPTY: Record<StatusFilter, string> = {
  outstanding:
    'Nothing outstanding — every issued invoice is paid. Invoices are issued when a royalty run is posted.',
  paid: 'No invoice is paid in full yet — record a payment on an outstanding invoice.',
  all: 'No invoices yet — calculate and post a royalty run to invoice the licensees.',
};

export default function Invoices() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  // Outstanding first: what finance is waiting for is what it opens the page for.
  const status: StatusFilter = STATUS_FILTERS.some((f) => f.value === requested)
    ? (requested as StatusFilter)
    : 'outstanding';
  const runId = params.get('runId') ?? undefined;
  const [paying, setPaying] = useState<Invoice | null>(null);
  const [recorded, setRecorded] = useState<{ invoice: Invoice; payment: Payment } | null>(null);
  const [reissuing, setReissuing] = useState<Invoice | null>(null);
  const [reissued, setReissued] = useState<Invoice | null>(null);

  return (
    <>
      <PageHeader
        title="Invoices"
        description="What each licensee owes per agreement and royalty run, and how Stripe is collecting it. Recording a payment (money that arrived outside Stripe) releases the payees' share of it to payable."
      />
      <Group mb="md" justify="space-between">
        <Group gap="sm">
          <SegmentedControl
            aria-label="Invoices to show"
            value={status}
            onChange={(value) => {
              const next = new URLSearchParams(params);
              next.set('status', value);
              setParams(next);
            }}
            data={STATUS_FILTERS}
            size="sm"
          />
          {runId && (
            <Group gap={4}>
              <Text size="sm">
                Run{' '}
                <Anchor component={Link} to={`/finance/royalty-runs/${runId}`} size="sm">
                  {shortForm(runId)}
                </Anchor>
              </Text>
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => {
                  const next = new URLSearchParams(params);
                  next.delete('runId');
                  setParams(next);
                }}
              >
                Show every run
              </Button>
            </Group>
          )}
        </Group>
      </Group>
      {recorded && (
        <Alert
          color="green"
          variant="light"
          mb="md"
          title="Payment recorded"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setRecorded(null)}
        >
          {formatMoney(recorded.payment.amount, recorded.invoice.currency)} received from{' '}
          {recorded.invoice.licenseeName} on {recorded.payment.receivedOn};{' '}
          {formatMoney(recorded.payment.outstanding, recorded.invoice.currency)} still outstanding.
        </Alert>
      )}
      {reissued && (
        <Alert
          color="blue"
          variant="light"
          mb="md"
          title="Sent to Stripe again"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setReissued(null)}
        >
          Invoice {shortForm(reissued.id)} to {reissued.licenseeName},{' '}
          {formatMoney(reissued.amount, reissued.currency)}, is being issued; its state here follows
          Stripe&apos;s answer.
        </Alert>
      )}
      <CursorTable<Invoice>
        caption={`${STATUS_FILTERS.find((f) => f.value === status)?.label} invoices`}
        queryKey={['invoices', { status, runId }]}
        fetchPage={async (cursor) =>
          withCollections(
            unwrap(
              await api.GET('/v1/invoices', {
                params: { query: { status, runId, cursor, limit: 50 } },
              }),
            ),
          )
        }
        // While Stripe is still issuing an invoice (not refused), its state is about to change.
        refetchInterval={(rows) =>
          rows.some((i) => i.collection?.status === 'issuing' && !i.collection.failure)
            ? 2000
            : false
        }
        rowKey={(invoice) => invoice.id}
        empty={
          runId ? `No ${status === 'all' ? '' : `${status} `}invoices in this run.` : EMPTY[status]
        }
        columns={[
          { key: 'licensee', header: 'Licensee', render: (i) => i.licenseeName },
          { key: 'publisher', header: 'Publisher', render: (i) => i.publisherName },
          {
            key: 'period',
            header: 'Period',
            render: (i) => (
              <Anchor component={Link} to={`/finance/royalty-runs/${i.runId}`} size="sm">
                {formatPeriod(i.periodStart, i.periodEnd)}
              </Anchor>
            ),
          },
          ...invoiceFigureColumns<Invoice>(),
          ...collectionColumns<Invoice>({ showFailure: true, compact: true }),
          {
            key: 'id',
            header: 'Invoice',
            render: (i) => <ShortId id={i.id} label="invoice id" />,
          },
          {
            key: 'actions',
            header: <VisuallyHidden>Actions</VisuallyHidden>,
            align: 'right',
            render: (i) => (
              <Stack gap={4} align="flex-end">
                {i.collection?.status === 'issuing' && i.collection.failure && (
                  <Button
                    size="compact-xs"
                    variant="light"
                    color="red"
                    aria-label={`Issue again invoice ${i.id} to ${i.licenseeName}`}
                    onClick={() => {
                      setReissued(null);
                      setReissuing(i);
                    }}
                  >
                    Issue again
                  </Button>
                )}
                {(i.paymentStatus === 'outstanding' || i.paymentStatus === 'partially-paid') && (
                  <Button
                    size="compact-xs"
                    variant="light"
                    aria-label={`Record payment from ${i.licenseeName} on invoice ${i.id}`}
                    onClick={() => {
                      setRecorded(null);
                      setPaying(i);
                    }}
                  >
                    Record payment
                  </Button>
                )}
              </Stack>
            ),
          },
        ]}
      />
      {reissuing && (
        <IssueAgain
          key={reissuing.id}
          invoice={reissuing}
          onClose={() => setReissuing(null)}
          onIssued={() => {
            setReissued(reissuing);
            setReissuing(null);
          }}
        />
      )}
      {paying && (
        <RecordPaymentModal
          // Mounted per opening: a fresh form and a fresh idempotency key each time.
          key={paying.id}
          invoice={paying}
          onClose={() => setPaying(null)}
          onRecorded={(payment) => {
            setRecorded({ invoice: paying, payment });
            setPaying(null);
          }}
        />
      )}
    </>
  );
}

/** The API's refusal of the amount in words, its figures (minor units) formatted as money. */
function overpaymentWords(problem: ApiProblem, currency: string): string {
  const owed = ((problem.document ?? {}) as Record<string, unknown>).outstanding;
  if (problem.code === 'overpayment' && typeof owed === 'number') {
    return `${problem.title}: only ${formatMoney(owed, currency)} is outstanding on this invoice`;
  }
  return `${problem.title}: ${problem.detail}`;
}

function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Money received against an invoice. The amount is typed in major units and becomes integer
 * minor units by parseAmount (never a float); the API decides whether it may be recorded
 * (e.g. `overpayment`) and its answer is shown beside the amount.
 */
function RecordPaymentModal({
  invoice,
  onClose,
  onRecorded,
}: {
  invoice: Invoice;
  onClose: () => void;
  onRecorded: (payment: Payment) => void;
}) {
  const queries = useQueryClient();
  // One key per opening of the form: a double submit or a retry records one payment.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [amountText, setAmountText] = useState('');
  const [receivedOn, setReceivedOn] = useState<string | null>(todayIso());
  const [reference, setReference] = useState('');
  const [touched, setTouched] = useState(false);
  const currency = invoice.currency;
  const exponent = currencyExponent(currency);
  const minor = amountText.trim() === '' ? null : parseAmount(amountText, currency);
  const tooLarge = minor !== null && minor > BigInt(Number.MAX_SAFE_INTEGER);

  const submit = useMutation({
    mutationFn: async (amount: number) =>
      unwrap(
        await api.POST('/v1/invoices/{id}/payments', {
          params: { path: { id: invoice.id }, header: { 'Idempotency-Key': idempotencyKey } },
          body: {
            amount,
            ...(receivedOn ? { receivedOn } : {}),
            ...(reference.trim() ? { reference: reference.trim() } : {}),
          },
        }),
      ),
    onSuccess: (payment) => {
      void queries.invalidateQueries({ queryKey: ['invoices'] });
      void queries.invalidateQueries({ queryKey: ['ledger-overview'] });
      onRecorded(payment);
    },
  });

  const problem = isProblem(submit.error) ? submit.error : null;
  const overpaid = problem?.code === 'overpayment' || problem?.code === 'invoice-is-credit-note';
  const apiAmountError = problem
    ? (problem.fieldMessages('amount') ??
      (overpaid ? overpaymentWords(problem, currency) : undefined))
    : undefined;
  const typedError = typedAmountError(amountText, currency, touched);
  const amountError = typedError ?? apiAmountError;
  const shownFields = ['amount', 'receivedOn', 'reference'];

  return (
    <Modal
      opened
      onClose={() => {
        if (!submit.isPending) onClose();
      }}
      title={`Record a payment from ${invoice.licenseeName}`}
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (minor === null || minor === 0n || tooLarge || submit.isPending) return;
          submit.mutate(Number(minor));
        }}
      >
        <Stack>
          <FactGrid
            label="Invoice"
            cols={3}
            facts={[
              { label: 'Period', value: formatPeriod(invoice.periodStart, invoice.periodEnd) },
              {
                label: 'Amount',
                value: <Money minor={invoice.amount} currency={currency} size="sm" />,
              },
              {
                label: 'Paid',
                value: <Money minor={invoice.paid} currency={currency} size="sm" />,
              },
              {
                label: 'Outstanding',
                value: <Money minor={invoice.outstanding} currency={currency} size="sm" fw={700} />,
              },
              { label: 'Invoice', value: <ShortId id={invoice.id} label="invoice id" /> },
            ]}
          />
          <TextInput
            label={`Amount received (${currency})`}
            description={`In ${currency}${exponent > 0 ? `, up to ${exponent} decimals` : ''}; "," separates thousands`}
            placeholder={exponent > 0 ? `0.${'0'.repeat(exponent)}` : '0'}
            inputMode="decimal"
            autoComplete="off"
            data-autofocus
            required
            value={amountText}
            onChange={(event) => setAmountText(event.currentTarget.value)}
            onBlur={() => setTouched(true)}
            error={amountError}
            styles={{ input: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } }}
          />
          {minor !== null && !tooLarge && minor > 0n && (
            <Text size="sm" c="dimmed" aria-live="polite">
              Records {formatMoney(minor, currency)}
            </Text>
          )}
          <DateInput
            label="Received on"
            valueFormat="YYYY-MM-DD"
            value={receivedOn}
            onChange={setReceivedOn}
            error={problem?.fieldMessages('receivedOn')}
            clearable
            description="Default today (UTC) when left empty"
          />
          <TextInput
            label="Reference"
            description="The bank's or the licensee's reference, e.g. SEPA 2027-07-15 ACME"
            maxLength={200}
            value={reference}
            onChange={(event) => setReference(event.currentTarget.value)}
            error={problem?.fieldMessages('reference')}
          />
          {problem && apiAmountError ? (
            problem.requestId && (
              <Text size="xs" c="dimmed">
                Request {problem.requestId}
              </Text>
            )
          ) : (
            <ProblemAlert error={submit.error} shownFields={shownFields} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={submit.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={submit.isPending} disabled={minor === null || tooLarge}>
              Record payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
