import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { ApiProblem, isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { usePayeeNames } from '../../components/catalogue/payee-names';
import { PayeePicker } from '../../components/catalogue/PayeePicker';
import {
  emptyDraft,
  draftOf,
  shareSum,
  splitsChanged,
  toCreateBody,
  toUpdateBody,
  type Draft,
} from '../../components/catalogue/work-draft';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../NotFound';
import { formatBps } from '../finance/royalty-figures';

type Work = components['schemas']['WorkResponse'];
type Kind = components['schemas']['CreateWorkDto']['kind'];
type Scheme = components['schemas']['IdentifierDto']['scheme'];

const KINDS: Kind[] = [
  'book',
  'article',
  'web-page',
  'image',
  'audio',
  'video',
  'code',
  'dataset',
  'other',
];
const SCHEMES: Scheme[] = ['isbn', 'issn', 'doi', 'iswc', 'isrc', 'isni', 'url', 'sha256', 'ext'];

export default function WorkFormPage() {
  const { id } = useParams();
  const work = useQuery({
    queryKey: ['work', id],
    queryFn: async () => unwrap(await api.GET('/v1/works/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
    // The form is filled once from the work; a background refetch must not overwrite typing.
    staleTime: Infinity,
  });
  if (id === undefined) return <WorkForm />;
  if (isProblem(work.error) && work.error.status === 404) return <NotFound what="work" />;
  if (work.error) return <ProblemAlert error={work.error} />;
  if (!work.data) return <PageLoader />;
  return <WorkForm key={`${work.data.id}:${work.data.version}`} work={work.data} />;
}

function WorkForm({ work }: { work?: Work }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => (work ? draftOf(work) : emptyDraft()));
  // Made when the form opens; a retry of the same registration reuses it (a refusal stores nothing).
  const [idempotencyKey] = useState(newIdempotencyKey);
  const names = usePayeeNames(work ? work.splits.map((s) => s.payeeId) : []);
  const save = useMutation({
    mutationFn: async (): Promise<Work> => {
      if (!work) {
        return unwrap(
          await api.POST('/v1/works', {
            params: { header: { 'Idempotency-Key': idempotencyKey } },
            body: toCreateBody(draft),
          }),
        );
      }
      return unwrap(
        await api.PATCH('/v1/works/{id}', {
          params: { path: { id: work.id }, header: { 'If-Match': String(work.version) } },
          body: toUpdateBody(draft, work),
        }),
      );
    },
    onSuccess: (saved) => {
      queries.setQueryData(['work', saved.id], saved);
      void queries.invalidateQueries({ queryKey: ['works'] });
      void navigate(`/publisher/works/${saved.id}`);
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const fieldError = (field: string) => problem?.fieldMessages(field);
  const externalIdError =
    fieldError('externalId') ??
    (problem?.code === 'external-id-taken' ? problem.detail : undefined);
  // Field errors shown beside their fields are not repeated in the alert.
  const shown = (problem?.errors ?? [])
    .map((e) => e.field)
    .filter((f) =>
      /^(title|externalId|kind|language|publishedAt|splitsEffectiveFrom|splits|identifiers\.\d+(\.(scheme|value))?|splits\.\d+\.(payeeId|shareBps))$/.test(
        f,
      ),
    );
  const sum = shareSum(draft.splits);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const cancelTo = work ? `/publisher/works/${work.id}` : '/publisher/works';

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/publisher/works">
          Catalogue
        </Anchor>
        {work && (
          <>
            {' / '}
            <Anchor component={Link} to={`/publisher/works/${work.id}`}>
              {work.externalId}
            </Anchor>
          </>
        )}{' '}
        /
      </Text>
      <PageHeader
        title={work ? `Edit ${work.title}` : 'Register a work'}
        description={
          work
            ? `Version ${work.version}. Saving keeps this version in the work's history; changed splits become a new split version from the date you give.`
            : 'A work with its identifiers and who is paid for it. The service checks every field; its answer is shown here.'
        }
      />
      <form onSubmit={submit} noValidate aria-label={work ? 'Edit the work' : 'Register a work'}>
        <Stack gap="lg" maw={980}>
          <Paper withBorder p="md" radius="sm">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <TextInput
                label="Title"
                required
                value={draft.title}
                onChange={(e) => set({ title: e.currentTarget.value })}
                error={fieldError('title')}
              />
              <TextInput
                label="External id"
                description="Your own id for the work, unique in your catalogue"
                required
                value={draft.externalId}
                onChange={(e) => set({ externalId: e.currentTarget.value })}
                error={externalIdError}
              />
              <Select
                label="Kind"
                required
                data={KINDS}
                value={draft.kind}
                onChange={(kind) => set({ kind: kind ?? 'book' })}
                allowDeselect={false}
                error={fieldError('kind')}
              />
              <Group grow align="flex-start">
                <TextInput
                  label="Language"
                  description="BCP 47, e.g. en or pt-BR"
                  value={draft.language}
                  onChange={(e) => set({ language: e.currentTarget.value })}
                  error={fieldError('language')}
                />
                <TextInput
                  label="Published"
                  description="YYYY-MM-DD"
                  type="date"
                  value={draft.publishedAt}
                  onChange={(e) => set({ publishedAt: e.currentTarget.value })}
                  error={fieldError('publishedAt')}
                />
              </Group>
            </SimpleGrid>
          </Paper>

          <Paper withBorder p="md" radius="sm" component="fieldset" style={{ margin: 0 }}>
            <Title order={3} size="h5" component="legend" px={4}>
              Identifiers
            </Title>
            <Text size="xs" c="dimmed" mb="sm">
              Any written form: the service normalizes it (an ISBN-10 is stored as its ISBN-13).
            </Text>
            <Stack gap="xs">
              {draft.identifiers.map((row, index) => (
                <Group key={row.key} align="flex-start" gap="xs">
                  <Select
                    label={`Scheme ${index + 1}`}
                    data={SCHEMES}
                    value={row.scheme}
                    allowDeselect={false}
                    onChange={(scheme) =>
                      set({
                        identifiers: draft.identifiers.map((r) =>
                          r.key === row.key ? { ...r, scheme: (scheme as Scheme) ?? 'isbn' } : r,
                        ),
                      })
                    }
                    w={130}
                    error={fieldError(`identifiers.${index}.scheme`)}
                  />
                  <TextInput
                    label={`Identifier ${index + 1}`}
                    value={row.value}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      set({
                        identifiers: draft.identifiers.map((r) =>
                          r.key === row.key ? { ...r, value } : r,
                        ),
                      });
                    }}
                    w={420}
                    error={
                      fieldError(`identifiers.${index}`) ?? fieldError(`identifiers.${index}.value`)
                    }
                  />
                  <RemoveButton
                    label={`Remove identifier ${index + 1}`}
                    onClick={() =>
                      set({ identifiers: draft.identifiers.filter((r) => r.key !== row.key) })
                    }
                  />
                </Group>
              ))}
              <Group>
                <Button
                  variant="default"
                  size="xs"
                  onClick={() =>
                    set({
                      identifiers: [
                        ...draft.identifiers,
                        { key: crypto.randomUUID(), scheme: 'isbn', value: '' },
                      ],
                    })
                  }
                >
                  Add an identifier
                </Button>
              </Group>
            </Stack>
          </Paper>

          <Paper withBorder p="md" radius="sm" component="fieldset" style={{ margin: 0 }}>
            <Title order={3} size="h5" component="legend" px={4}>
              Splits
            </Title>
            <Text size="xs" c="dimmed" mb="sm">
              Each payee&apos;s share in basis points (100 bps = 1 %); a work&apos;s shares add up
              to exactly 10,000.
              {!work && ' With no splits, your default payee (the publisher itself) gets 100 %.'}
            </Text>
            <Stack gap="xs">
              {draft.splits.map((row, index) => (
                <Group key={row.key} align="flex-start" gap="xs">
                  <PayeePicker
                    label={`Payee ${index + 1}`}
                    value={row.payeeId}
                    knownName={row.payeeName ?? (row.payeeId ? names.get(row.payeeId) : undefined)}
                    onChange={(payee) =>
                      set({
                        splits: draft.splits.map((r) =>
                          r.key === row.key
                            ? { ...r, payeeId: payee?.id ?? null, payeeName: payee?.name }
                            : r,
                        ),
                      })
                    }
                    error={fieldError(`splits.${index}.payeeId`)}
                  />
                  <TextInput
                    label={`Share of payee ${index + 1} (bps)`}
                    inputMode="numeric"
                    value={row.shareBps}
                    onChange={(e) => {
                      const shareBps = e.currentTarget.value;
                      set({
                        splits: draft.splits.map((r) =>
                          r.key === row.key ? { ...r, shareBps } : r,
                        ),
                      });
                    }}
                    w={190}
                    rightSection={
                      <Text size="xs" c="dimmed" pr={4}>
                        {/^\d{1,5}$/.test(row.shareBps) ? formatBps(Number(row.shareBps)) : ''}
                      </Text>
                    }
                    rightSectionWidth={70}
                    error={fieldError(`splits.${index}.shareBps`)}
                  />
                  <RemoveButton
                    label={`Remove payee ${index + 1}`}
                    onClick={() => set({ splits: draft.splits.filter((r) => r.key !== row.key) })}
                  />
                </Group>
              ))}
              <Group justify="space-between" align="center">
                <Button
                  variant="default"
                  size="xs"
                  onClick={() =>
                    set({
                      splits: [
                        ...draft.splits,
                        { key: crypto.randomUUID(), payeeId: null, shareBps: '' },
                      ],
                    })
                  }
                >
                  Add a payee
                </Button>
                {draft.splits.length > 0 && (
                  <Text
                    size="sm"
                    className="figure"
                    role="status"
                    aria-label="Sum of shares"
                    c={sum === 10_000 ? undefined : 'red.9'}
                    fw={600}
                  >
                    Sum of shares: {sum === null ? '—' : `${sum.toLocaleString('en-GB')} bps`}
                    {sum !== null && ` (${formatBps(sum)})`}
                    {sum !== 10_000 && ' — must be 10,000 bps'}
                  </Text>
                )}
              </Group>
              {fieldError('splits') && (
                <Text size="sm" c="red.8" role="alert">
                  {fieldError('splits')}
                </Text>
              )}
              {work && (
                <TextInput
                  label="New splits take effect from"
                  description="YYYY-MM-DD; empty: today (UTC). Only used when the splits change."
                  type="date"
                  value={draft.splitsEffectiveFrom}
                  onChange={(e) => set({ splitsEffectiveFrom: e.currentTarget.value })}
                  disabled={!splitsChanged(draft, work)}
                  error={fieldError('splitsEffectiveFrom')}
                  w={320}
                />
              )}
            </Stack>
          </Paper>

          <ProblemAlert error={save.error} shownFields={shown} />
          <Group justify="flex-end">
            <Button component={Link} to={cancelTo} variant="default">
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {work ? 'Save changes' : 'Register the work'}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon
      variant="subtle"
      color="gray"
      aria-label={label}
      title={label}
      onClick={onClick}
      mt={26}
      size="lg"
    >
      ✕
    </ActionIcon>
  );
}
