import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { shortForm } from '../format/ids';
import { CheckIcon, CopyIcon } from './icons';

/** An id shown short (format/ids.ts) with a button that copies the whole of it. */
export function ShortId({ id, label = 'id' }: { id: string | null | undefined; label?: string }) {
  if (!id)
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  return (
    <Group gap={4} wrap="nowrap" component="span">
      <Text span ff="monospace" size="sm" title={id} style={{ whiteSpace: 'nowrap' }}>
        {shortForm(id)}
      </Text>
      <CopyButton value={id} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
            <ActionIcon
              variant="subtle"
              size="xs"
              color={copied ? 'teal' : 'gray'}
              aria-label={`Copy ${label} ${id}`}
              onClick={(event) => {
                event.stopPropagation();
                copy();
              }}
            >
              {copied ? <CheckIcon size={12} /> : <CopyIcon size={12} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
