import { SimpleGrid, Text, type SimpleGridProps } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Fact {
  label: string;
  value: ReactNode;
}

/**
 * A detail page's header figures as a description list (`<dl>`): each label above its value,
 * dense, in a grid that wraps on narrow screens.
 */
export function FactGrid({
  facts,
  label,
  cols = { base: 2, sm: 3, lg: 6 },
}: {
  facts: Fact[];
  label?: string;
  /** Columns by breakpoint (of the window): fewer inside a modal. */
  cols?: SimpleGridProps['cols'];
}) {
  return (
    <SimpleGrid
      component="dl"
      aria-label={label}
      cols={cols}
      spacing="md"
      verticalSpacing="sm"
      m={0}
    >
      {facts.map((fact) => (
        <div key={fact.label}>
          <Text component="dt" size="xs" c="dimmed">
            {fact.label}
          </Text>
          <Text component="dd" size="sm" m={0}>
            {fact.value}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}
