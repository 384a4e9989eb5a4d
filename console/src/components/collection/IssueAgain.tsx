import { Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { formatPeriod } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { ConfirmAction } from '../ConfirmAction';
import { ShortId } from '../ShortId';
import type { WithCollection } from './collections';

type Invoice = WithCollection<components['schemas']['InvoiceResponse']>;

/**
 * Finance asks Stripe again to issue an invoice it refused (after fixing the cause): the
 * confirmation restates the invoice, its amount and what Stripe said; the API decides.
 */
export function IssueAgain({
  invoice,
  onClose,
  onIssued,
}: {
  invoice: Invoice;
  onClose: () => void;
  onIssued: () => void;
}) {
  const queries = useQueryClient();
  const issue = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/invoices/{id}/issue', { params: { path: { id: invoice.id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['invoices'] });
      onIssued();
    },
  });
  const amount = formatMoney(invoice.amount, invoice.currency);
  return (
    <ConfirmAction
      opened
      onClose={() => {
        if (!issue.isPending) onClose();
      }}
      title="Issue the invoice again through Stripe"
      confirmLabel={`Issue ${amount} again`}
      pending={issue.isPending}
      error={issue.error}
      onConfirm={() => issue.mutate()}
    >
      <Stack gap="xs">
        <Text size="sm" data-testid="issue-again-summary">
          Issue again: invoice to {invoice.licenseeName} for{' '}
          {formatPeriod(invoice.periodStart, invoice.periodEnd)} ({invoice.publisherName}), {amount}
          .
        </Text>
        <Text size="sm">
          Invoice <ShortId id={invoice.id} label="invoice id" />
        </Text>
        {invoice.collection?.failure && (
          <Text size="sm" c="dimmed">
            Stripe refused it: {invoice.collection.failure}. Fix the cause first, or it will be
            refused again.
          </Text>
        )}
      </Stack>
    </ConfirmAction>
  );
}
