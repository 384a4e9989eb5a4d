import { Alert, Button, FileInput, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { uploadFile } from '../../api/upload';
import { ProblemAlert } from '../ProblemAlert';
import { pricingLines, termWords, type Terms } from './terms';

type RslImportResult = components['schemas']['RslImportResponse'];

/** What the offer form receives from an import, through the router's state. */
export interface RslDraft {
  terms: Terms;
  warnings: string[];
}

/**
 * Reads an RSL document (pasted, or a file chosen from disk and streamed) into offer terms:
 * POST /v1/licence-offers/import-rsl stores nothing, so each set of terms opens the offer form
 * as a draft to review, change and publish.
 */
export function RslImportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const read = useMutation({
    mutationFn: (body: Blob) =>
      uploadFile<RslImportResult>({
        path: '/v1/licence-offers/import-rsl',
        file: body,
        contentType: 'application/rsl+xml',
      }),
  });
  const close = () => {
    if (read.isPending) return;
    read.reset();
    setText('');
    setFile(null);
    onClose();
  };
  const result = read.data;
  return (
    <Modal opened={opened} onClose={close} title="Import an RSL document" size="xl">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const body = file ?? (text.trim() ? new Blob([text]) : null);
          if (body && !read.isPending) read.mutate(body);
        }}
      >
        <Stack>
          <Text size="sm">
            Paste an RSL 1.0 document or choose its file. Nothing is stored: each licence in it
            becomes a draft offer for you to review and publish.
          </Text>
          <FileInput
            label="RSL file"
            placeholder="Choose an .xml file"
            accept=".xml,.rsl,application/xml,text/xml,application/rsl+xml"
            clearable
            value={file}
            onChange={setFile}
          />
          <Textarea
            label="Or paste the document"
            autosize
            minRows={4}
            maxRows={12}
            disabled={file !== null}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          />
          <ProblemAlert error={read.error} />
          {result && (
            <Stack gap="sm" aria-live="polite">
              <Text size="sm" fw={600}>
                {result.offers.length === 0
                  ? 'No licence found in this document.'
                  : `${result.offers.length} draft offer${result.offers.length === 1 ? '' : 's'} read`}
              </Text>
              {result.offers.map((terms, index) => {
                const warnings = result.warnings
                  .filter((w) => w.offer === index)
                  .map((w) => w.message);
                return (
                  <Alert
                    key={index}
                    color={warnings.length ? 'yellow' : 'blue'}
                    variant="light"
                    title={terms.title || `Licence ${index + 1}`}
                  >
                    <Stack gap={4}>
                      <Text size="sm">
                        {terms.usages.join(', ') || 'no usages'} · {termWords(terms.term)} ·{' '}
                        {pricingLines(terms)
                          .map((line) => `${line.component} ${line.price}`)
                          .join(' · ') || 'no pricing'}
                      </Text>
                      {warnings.length > 0 && (
                        <List size="sm">
                          {warnings.map((warning, i) => (
                            <List.Item key={i}>{warning}</List.Item>
                          ))}
                        </List>
                      )}
                      <Group>
                        <Button
                          size="compact-sm"
                          onClick={() =>
                            void navigate('/publisher/offers/new', {
                              state: { draft: { terms, warnings } satisfies RslDraft },
                            })
                          }
                        >
                          Review draft {index + 1}
                        </Button>
                      </Group>
                    </Stack>
                  </Alert>
                );
              })}
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={read.isPending}>
              Close
            </Button>
            <Button
              type="submit"
              loading={read.isPending}
              disabled={read.isPending || (!file && !text.trim())}
            >
              Read document
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
