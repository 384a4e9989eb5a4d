import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';

/** Another publisher claims the identifier: money for the work is held (docs/IDENTIFIERS.md). */
export function ConflictBadge({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <Badge
      variant="outline"
      color="red"
      radius="sm"
      styles={{
        label: { textTransform: 'none' },
        root: { color: 'var(--mantine-color-red-9)' },
      }}
      title={title}
    >
      {children}
    </Badge>
  );
}
