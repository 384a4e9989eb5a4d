import { SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useUrlFilters } from '../use-url-filters';

export type HeldFilter = 'all' | 'true' | 'false';

/**
 * The payee lists' filters, kept in the URL (`q`: part of the name; `held`), as the API's
 * `GET /v1/payees` takes them: finance's Payee holds and the publisher's Payees.
 */
export function usePayeeFilters() {
  const [params, setFilter] = useUrlFilters();
  const held: HeldFilter =
    params.get('held') === 'true' || params.get('held') === 'false'
      ? (params.get('held') as HeldFilter)
      : 'all';
  const q = params.get('q')?.trim() || undefined;
  return { params, setFilter, held, q };
}

/** The `held` filter as the API's query parameter (absent for all). */
export function heldQuery(held: HeldFilter): 'true' | 'false' | undefined {
  return held === 'all' ? undefined : held;
}

export function PayeeFilters({
  filters,
  children,
}: {
  filters: ReturnType<typeof usePayeeFilters>;
  /** More filters after these (finance's publisher). */
  children?: ReactNode;
}) {
  const { setFilter, held, q } = filters;
  const search = useDebouncedCallback((value: string) => setFilter('q', value.trim() || null), 300);
  return (
    <>
      <TextInput
        label="Name"
        placeholder="Part of a payee's name"
        defaultValue={q ?? ''}
        onChange={(event) => search(event.currentTarget.value)}
        size="xs"
        w={240}
      />
      <Stack gap={2}>
        <Text size="xs" fw={500} id="hold-filter-label">
          Hold
        </Text>
        <SegmentedControl
          size="xs"
          aria-labelledby="hold-filter-label"
          value={held}
          onChange={(value) => setFilter('held', value === 'all' ? null : value)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'true', label: 'On hold' },
            { value: 'false', label: 'Not held' },
          ]}
        />
      </Stack>
      {children}
    </>
  );
}
