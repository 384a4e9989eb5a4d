import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Button, Center, Stack } from '@mantine/core';
import { ProblemAlert } from '../components/ProblemAlert';
import { NotFound } from '../pages/NotFound';
import { onSessionExpired } from '../api/client';
import { loadSession, type Role, type Session } from './session';

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
        // Forget every answer of the ended session, and that it ended: the session query is
        // set, not refetched — a refetch would answer "no session" and race this navigation to
        // a sign-in page that no longer says the session ended.
        queries.clear();
        queries.setQueryData(SESSION_KEY, 'expired');
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
    if (session.isSuccess && (session.data === null || session.data === 'expired')) {
      const expired = session.data === 'expired' ? 'expired=1&' : '';
      void navigate(`/sign-in?${expired}next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [session.isSuccess, session.data, navigate, here]);

  if (session.error) {
    return (
      <Center mih="100vh">
        <Stack maw={520}>
          <ProblemAlert error={session.error} />
          <Button variant="default" onClick={() => void session.refetch()}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  if (!session.data || session.data === 'expired') return null;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}

/**
 * A workspace's pages only for its role: another principal opening one of their addresses finds
 * no page there (the API would refuse every request of it anyway).
 */
export function RequireRole({ role }: { role: Role }) {
  const session = useSession();
  return session.principal.role === role ? <Outlet /> : <NotFound />;
}
