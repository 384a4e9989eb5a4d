import { Stack, Text, Title } from '@mantine/core';
import { Navigate, useLocation } from 'react-router';
import { homeOf } from '../session/session';
import { useSession } from '../session/session-context';

/** `/` goes to the principal's workspace; publishers' and licensees' pages come with part 2. */
export function WorkspaceHome() {
  const session = useSession();
  const location = useLocation();
  const home = homeOf(session.principal.role);
  if (location.pathname !== home) return <Navigate to={home} replace />;
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">
        {session.organization.name}
      </Title>
      <Text c="dimmed">
        The {session.principal.role} workspace is not in the console yet; every action is available
        through the API (<a href="/docs">/docs</a>).
      </Text>
    </Stack>
  );
}
