import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

/**
 * Nothing here: a page that does not exist, or a resource the API answered 404 for — which
 * includes another organization's (the API does not tell the two apart, nor does the console).
 */
export function NotFound({ what }: { what?: string }) {
  return (
    <Stack align="flex-start" gap="sm" py="xl">
      <Title order={2} size="h3">
        Not found
      </Title>
      <Text>
        {what ? `No ${what} with this id exists for you.` : 'There is no page at this address.'}
      </Text>
      <Button component={Link} to="/" variant="default">
        Back to your workspace
      </Button>
    </Stack>
  );
}
