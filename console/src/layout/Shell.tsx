import { AppShell, Badge, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { NavLink as RouterNavLink, Outlet, useNavigate } from 'react-router';
import { signOut } from '../session/session';
import { useSession } from '../session/session-context';
import { PageLoader } from './PageLoader';
import { NAVIGATION } from './navigation';

/** The frame of every signed-in page: the workspace's navigation, who is signed in, sign out. */
export function Shell() {
  const session = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const leave = useMutation({
    mutationFn: signOut,
    onSettled: () => {
      queries.clear();
      void navigate('/sign-in', { replace: true });
    },
  });

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 'xs' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Text fw={700}>Rights Ledger</Text>
            <Text c="dimmed" size="sm" aria-label="Organization">
              {session.organization.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" aria-label="Signed in as">
              {session.principal.name}
            </Text>
            <Badge variant="outline" color="gray" styles={{ label: { textTransform: 'none' } }}>
              {session.principal.role}
            </Badge>
            <Button
              size="compact-sm"
              variant="default"
              loading={leave.isPending}
              onClick={() => leave.mutate()}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Workspace">
        <Stack gap={2}>
          {NAVIGATION[session.principal.role].map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              end={item.to.split('/').length === 2}
              label={item.label}
              // Filled: the light variant's indigo on pale indigo falls short of WCAG AA.
              variant="filled"
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
