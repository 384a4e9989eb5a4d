import { Anchor, Button, CopyButton, Group, Paper, Text } from '@mantine/core';

/** The publisher's public RSL document: its address, to copy or open (GET /rsl/:publisherId.xml). */
export function RslAddress({ publisherId }: { publisherId: string }) {
  const address = `${window.location.origin}/rsl/${publisherId}.xml`;
  return (
    <Paper withBorder radius="sm" px="md" py="sm" mb="md">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Text size="sm" fw={600}>
            Public RSL document
          </Text>
          <Text size="xs" c="dimmed">
            Your active offers in RSL 1.0, for crawlers and AI firms to read (cached for 5 minutes)
          </Text>
          <Anchor href={address} target="_blank" rel="noopener noreferrer" size="sm" ff="monospace">
            {address}
          </Anchor>
        </div>
        <CopyButton value={address} timeout={1500}>
          {({ copied, copy }) => (
            <Button variant="default" size="compact-sm" onClick={copy}>
              {copied ? 'Copied' : 'Copy address'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Paper>
  );
}
