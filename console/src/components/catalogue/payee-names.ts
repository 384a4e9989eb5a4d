import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/**
 * The names of the payees a work's splits name, each read once by id (cached per payee): exact
 * however many payees the publisher has, where a first page of the payee list might miss some.
 */
export function usePayeeNames(ids: readonly string[]): Map<string, string> {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['payee', id],
      queryFn: async () => unwrap(await api.GET('/v1/payees/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  const names = new Map<string, string>();
  results.forEach((result, index) => {
    if (result.data) names.set(unique[index], result.data.name);
  });
  return names;
}
