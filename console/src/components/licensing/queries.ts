import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Agreement, AgreementVersion, Offer, OfferVersion } from './terms';

/** One offer (404 for another organization's, or for a licensee a retired one). */
export function useOffer(id: string) {
  return useQuery({
    queryKey: ['licence-offer', id],
    queryFn: async (): Promise<Offer> =>
      unwrap(await api.GET('/v1/licence-offers/{id}', { params: { path: { id } } })),
  });
}

export function useOfferVersions(id: string, enabled = true) {
  return useQuery({
    queryKey: ['licence-offer', id, 'versions'],
    enabled,
    queryFn: async (): Promise<OfferVersion[]> =>
      unwrap(await api.GET('/v1/licence-offers/{id}/versions', { params: { path: { id } } })).data,
  });
}

/**
 * An agreement changes under the other party's hand (an amendment proposed, a termination):
 * opening its page always asks again, showing what is cached meanwhile.
 */
const PARTIES_CHANGE_IT = { staleTime: 0 } as const;

/** One agreement the organization is a party to (404 otherwise). */
export function useAgreement(id: string) {
  return useQuery({
    ...PARTIES_CHANGE_IT,
    queryKey: ['agreement', id],
    queryFn: async (): Promise<Agreement> =>
      unwrap(await api.GET('/v1/agreements/{id}', { params: { path: { id } } })),
  });
}

export function useAgreementVersions(id: string, enabled = true) {
  return useQuery({
    ...PARTIES_CHANGE_IT,
    queryKey: ['agreement', id, 'versions'],
    enabled,
    queryFn: async (): Promise<AgreementVersion[]> =>
      unwrap(await api.GET('/v1/agreements/{id}/versions', { params: { path: { id } } })).data,
  });
}
