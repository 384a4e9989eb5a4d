import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A row of labelled figures (totals, counts) at the top of a detail page. */
export function FigureGrid({
  figures,
  cols = 4,
}: {
  figures: { label: string; value: ReactNode; hint?: ReactNode }[];
  cols?: number;
}) {
  return (
    <SimpleGrid cols={{ base: 2, md: cols }} spacing="sm" mb="md">
      {figures.map((figure) => (
        <Paper
          key={figure.label}
          withBorder
          radius="sm"
          px="sm"
          py={8}
          role="group"
          aria-label={figure.label}
        >
          <Stack gap={2}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {figure.label}
            </Text>
            <Text component="div" size="lg" fw={600} className="figure">
              {figure.value}
            </Text>
            {figure.hint && (
              <Text size="xs" c="dimmed">
                {figure.hint}
              </Text>
            )}
          </Stack>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
