import { Group, Stack, Text } from '@mantine/core';
import type { components } from '../../api/schema';
import { formatTimestamp } from '../../format/dates';
import { ShortId } from '../ShortId';
import { StatusBadge } from '../StatusBadge';
import { heldByWords, type HoldAudience } from './HoldActions';

type Payee = components['schemas']['PayeeListItemResponse'];

/** A payee list's name cell: the name, the default payee said so, the short id. */
export function PayeeNameCell({ payee, defaultLabel }: { payee: Payee; defaultLabel: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm">
        {payee.name}
        {payee.isDefault && (
          <Text span size="xs" c="dimmed">
            {' '}
            ({defaultLabel})
          </Text>
        )}
      </Text>
      <ShortId id={payee.id} label="payee id" />
    </Stack>
  );
}

/** A payee list's hold cell: held, by whom, why and since when; a dash when not held. */
export function HoldCell({ payee, audience }: { payee: Payee; audience: HoldAudience }) {
  if (!payee.hold) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <Group gap={6}>
        <StatusBadge status="held" />
        <Text size="xs" c="dimmed">
          by {heldByWords(payee.hold.heldByRole, audience)}
        </Text>
      </Group>
      <Text size="xs">{payee.hold.reason}</Text>
      <Text size="xs" c="dimmed">
        since {formatTimestamp(payee.hold.heldAt)}
      </Text>
    </Stack>
  );
}
