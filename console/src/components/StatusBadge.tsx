import { Badge } from '@mantine/core';

/**
 * One colour and one word per state, everywhere (docs/CONSOLE.md): in progress blue, waiting on a
 * person amber, done green, failed red, cancelled or superseded grey.
 */
const COLOURS: Record<string, string> = {
  draft: 'gray',
  received: 'blue',
  queued: 'blue',
  processing: 'blue',
  calculating: 'blue',
  pending: 'blue',
  executing: 'blue',
  running: 'blue',
  issuing: 'blue',
  calculated: 'yellow',
  'awaiting-approval': 'yellow',
  proposed: 'yellow',
  upcoming: 'yellow',
  held: 'yellow',
  'onboarding-incomplete': 'yellow',
  'partially-paid': 'yellow',
  outstanding: 'yellow',
  open: 'yellow',
  posted: 'green',
  paid: 'green',
  completed: 'green',
  accepted: 'green',
  active: 'green',
  'in-force': 'green',
  licensed: 'green',
  matched: 'green',
  balanced: 'green',
  'payouts-enabled': 'green',
  failed: 'red',
  refused: 'red',
  rejected: 'red',
  'not-licensed': 'red',
  invalid: 'red',
  unmatched: 'yellow',
  'out-of-scope': 'red',
  difference: 'red',
  'completed-with-failures': 'orange',
  cancelled: 'gray',
  superseded: 'gray',
  'not-issued': 'gray',
  'credit-note': 'gray',
  terminated: 'gray',
  expired: 'gray',
  retired: 'gray',
  withdrawn: 'gray',
  released: 'gray',
  'not-onboarded': 'gray',
  // Collection through Stripe: open is owed (amber), issued credit notes are done (green), an
  // invoice Stripe voided is cancelled (grey), one it gave up on is failed (red).
  issued: 'green',
  synced: 'green',
  void: 'gray',
  uncollectible: 'red',
};

export function StatusBadge({ status }: { status: string }) {
  const colour = COLOURS[status] ?? 'gray';
  return (
    // The state's colour as tint and border, the word in near-black: Mantine's light variant
    // (yellow on pale yellow) falls short of WCAG AA contrast.
    <Badge
      variant="light"
      radius="sm"
      styles={{
        root: {
          backgroundColor: `var(--mantine-color-${colour}-1)`,
          border: `1px solid var(--mantine-color-${colour}-5)`,
          color: 'var(--mantine-color-dark-8)',
          // A state's word is never cut short by a narrow column.
          minWidth: 'max-content',
        },
        label: { textTransform: 'none' },
      }}
    >
      {status.replace(/-/g, ' ')}
    </Badge>
  );
}
