import { useSearchParams } from 'react-router';

/**
 * A list's filters kept in the URL's query (shareable, the back button works): the current ones,
 * and a setter that changes one, removing it when empty, without a new history entry per keystroke.
 */
export function useUrlFilters(): [URLSearchParams, (name: string, value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const setFilter = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  return [params, setFilter];
}
