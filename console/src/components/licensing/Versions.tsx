import { Accordion, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { shortForm } from '../../format/ids';
import { TermsView } from './TermsView';
import type { Terms } from './terms';

export interface TermsVersion {
  version: number;
  terms: Terms;
  termsHash: string;
  /** What to say beside the version: its dates, its state. */
  summary: ReactNode;
}

/** Every version of a set of terms, oldest first, each opening to its terms in full. */
export function Versions({
  versions,
  label,
  opened,
}: {
  versions: TermsVersion[];
  label: string;
  opened?: number;
}) {
  return (
    <Accordion
      variant="separated"
      radius="sm"
      defaultValue={opened !== undefined ? String(opened) : null}
      aria-label={label}
    >
      {versions.map((v) => (
        <Accordion.Item key={v.version} value={String(v.version)}>
          <Accordion.Control>
            <Group gap="md" wrap="nowrap">
              <Text size="sm" fw={600}>
                Version {v.version}
              </Text>
              <Text size="sm">{v.terms.title}</Text>
              {v.summary}
              <Text size="xs" c="dimmed" ff="monospace" title={v.termsHash}>
                terms {shortForm(v.termsHash)}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <TermsView terms={v.terms} heading={`Terms of version ${v.version}`} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
