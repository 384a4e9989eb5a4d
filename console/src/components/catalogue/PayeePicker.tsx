import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';

/**
 * One of the publisher's payees, found by name on the server (`GET /v1/payees?q=`), so a
 * publisher with thousands of payees can still pick any of them. `knownName` labels the chosen
 * payee before any search has listed it (a work being edited).
 */
export function PayeePicker({
  label,
  value,
  knownName,
  onChange,
  error,
}: {
  label: string;
  value: string | null;
  knownName?: string;
  onChange: (payee: { id: string; name: string } | null) => void;
  error?: string;
}) {
  const [search, setSearch] = useState('');
  const [chosenLabel, setChosenLabel] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(search, 250);
  // The box shows the chosen payee's label after a choice: that is not a search.
  const q = debounced.trim() && debounced !== chosenLabel ? debounced.trim() : undefined;
  const payees = useQuery({
    queryKey: ['payees', 'picker', q ?? null],
    queryFn: async () =>
      unwrap(await api.GET('/v1/payees', { params: { query: { q, limit: 50 } } })),
    placeholderData: keepPreviousData,
  });
  const options = (payees.data?.data ?? []).map((payee) => ({
    value: payee.id,
    label: payee.isDefault ? `${payee.name} (the publisher itself)` : payee.name,
  }));
  if (value && !options.some((option) => option.value === value)) {
    options.unshift({ value, label: knownName ?? value });
  }
  return (
    <Select
      label={label}
      placeholder="Search a payee by name"
      searchable
      data={options}
      value={value}
      onChange={(id) => {
        const option = options.find((o) => o.value === id);
        setChosenLabel(option?.label ?? null);
        onChange(id && option ? { id, name: option.label } : null);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      // The server filters by name; the list shows what it answered.
      filter={({ options: all }) => all}
      nothingFoundMessage={payees.isFetching ? 'Searching…' : 'No payee has that name'}
      error={error}
      w={320}
    />
  );
}
