import { ActionIcon, Tooltip } from '@mantine/core';

/** A row's "show only these" button: a funnel beside a name, labelled with what it filters to. */
export function FilterButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="xs"
        aria-label={label}
        onClick={(event) => {
          event.stopPropagation();
          onClick();
        }}
      >
        <svg width="12" height="12" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M3 4h18l-7 8v6l-4 2v-8z" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      </ActionIcon>
    </Tooltip>
  );
}
