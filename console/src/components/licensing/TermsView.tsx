import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { FactGrid } from '../FactGrid';
import { listWords, pricingLines, scopeWords, termWords, type Terms } from './terms';

/** Tokens (usages, territories) as small code badges, as the API spells them. */
function Tokens({ values, none }: { values: readonly string[] | undefined; none: string }) {
  if (!values || values.length === 0)
    return (
      <Text span size="sm" c="dimmed">
        {none}
      </Text>
    );
  return (
    <Group gap={4} component="span">
      {values.map((value) => (
        <Badge key={value} variant="outline" color="gray" radius="sm" tt="none" c="dark.8">
          {value}
        </Badge>
      ))}
    </Group>
  );
}

/**
 * A licence's terms as the API stores them: what is covered, for which uses, where, when, and
 * every pricing component in the API's units. Shared by offers and agreements, in both workspaces.
 */
export function TermsView({ terms, heading = 'Terms' }: { terms: Terms; heading?: string }) {
  const lines = pricingLines(terms);
  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="md">
        <Title order={3} size="h5">
          {heading}
        </Title>
        <FactGrid
          label={heading}
          cols={{ base: 2, sm: 3, lg: 4 }}
          facts={[
            { label: 'Scope', value: scopeWords(terms.scope) },
            { label: 'Permitted uses', value: <Tokens values={terms.usages} none="—" /> },
            { label: 'Prohibited uses', value: <Tokens values={terms.prohibits} none="None" /> },
            { label: 'Territories', value: <Tokens values={terms.territories} none="—" /> },
            { label: 'User types', value: listWords(terms.userTypes, 'Any') },
            { label: 'Term', value: termWords(terms.term) },
            { label: 'Currency', value: terms.currency },
            {
              label: 'Attribution',
              value: terms.attributionRequired ? 'Required' : 'Not required',
            },
          ]}
        />
        <div>
          <Title order={4} size="h6" mb={4}>
            Pricing
          </Title>
          <Table withTableBorder captionSide="top" aria-label={`${heading}: pricing`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Component</Table.Th>
                <Table.Th>Usage</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Price</Table.Th>
                <Table.Th>Unit</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((line, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{line.component}</Table.Td>
                  <Table.Td>{line.usage ?? '—'}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>
                    <Text span size="sm" className="figure">
                      {line.price}
                    </Text>
                  </Table.Td>
                  <Table.Td>{line.basis}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </Stack>
    </Paper>
  );
}
