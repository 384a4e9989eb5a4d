import { SegmentedControl } from '@mantine/core';
import { useState, type ReactNode } from 'react';

/**
 * Figures per currency, one currency shown at a time (never summed across currencies): the
 * chosen entry (the first until another is picked; none when there are none) and the picker to
 * put in the page's header (nothing when there is one currency or none).
 */
export function useCurrencyChoice<T extends { currency: string }>(
  currencies: T[] | undefined,
): [T | undefined, ReactNode] {
  const [chosen, setChosen] = useState<string | null>(null);
  const list = currencies ?? [];
  const current = list.find((c) => c.currency === chosen) ?? list[0];
  const picker = list.length > 1 && (
    <SegmentedControl
      aria-label="Currency"
      data={list.map((c) => c.currency)}
      value={current?.currency}
      onChange={setChosen}
    />
  );
  return [current, picker];
}
