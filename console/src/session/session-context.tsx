import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { onSessionExpired } from '../api/client';
import { loadSession, type Session } from './session';

export const SESSION_KEY = ['session'] as const;

const SessionContext = createContext<Session | null>(null);

/** The signed-in principal; pages under RequireSession may rely on it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/**
 * Loads the session once; without one, or when any request later finds it ended (expired,
 * signed out elsewhere, key revoked), goes to sign-in and remembers the page to come back to.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();
  const session = useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: Infinity });
  const here = location.pathname + location.search;

  useEffect(
    () =>
      onSessionExpired(() => {
        queries.clear();
        void navigate(
          `/sign-in?expired=1&next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
          {
            replace: true,
          },
        );
      }),
    [navigate, queries],
  );
  useEffect(() => {
    if (session.isSuccess && session.data === null) {
      void navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [session.isSuccess, session.data, navigate, here]);

  if (!session.data) return null;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}
