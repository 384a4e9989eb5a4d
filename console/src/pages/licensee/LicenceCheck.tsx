import {
  Anchor,
  Autocomplete,
  Button,
  Group,
  Pagination,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isProblem, type ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { FigureGrid } from '../../components/FigureGrid';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import {
  askedWorks,
  MAX_LICENCE_QUESTIONS,
  REFUSAL_WORDS,
  type AskedWork,
} from '../../components/usage/licence-questions';
import { describeLicenceRate } from '../../components/usage/rate';
import { shortForm } from '../../format/ids';

type Answer = components['schemas']['LicenceAnswerResponse'];
interface Checked {
  asked: AskedWork[];
  answers: Answer[];
  usage: string;
  at: string;
}
type Show = 'all' | 'licensed' | 'not-licensed';

const USAGES = ['ai-train', 'ai-input', 'ai-index', 'search', 'ai-all', 'all'];
const ROWS_PER_PAGE = 100;

/** The API's messages about one question's field, e.g. every `questions.N.usage`. */
function questionFieldMessages(problem: ApiProblem | null, field: string): string | undefined {
  if (!problem) return undefined;
  const pattern = new RegExp(`^questions\\.\\d+\\.${field}$`);
  const messages = [
    ...new Set(problem.errors.filter((e) => pattern.test(e.field)).flatMap((e) => e.messages)),
  ];
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** The API's refusals of single lines ("line 3, isbn:123: …"), for the list's own error. */
function lineMessages(problem: ApiProblem | null, asked: AskedWork[]): string | undefined {
  if (!problem) return undefined;
  const lines = problem.errors.flatMap((e) => {
    const match = /^questions\.(\d+)(?:\.(identifier|url|sha256))?$/.exec(e.field);
    if (!match) return [];
    const index = Number(match[1]);
    return [`line ${index + 1} (${asked[index]?.asked ?? '?'}): ${e.messages.join('; ')}`];
  });
  const list = problem.fieldMessages('questions');
  const all = [...(list ? [list] : []), ...lines.slice(0, 5)];
  if (lines.length > 5) all.push(`and ${lines.length - 5} more lines`);
  return all.length > 0 ? all.join(' · ') : undefined;
}

export default function LicenceCheck() {
  const [text, setText] = useState('');
  const [usage, setUsage] = useState('ai-train');
  const [territory, setTerritory] = useState('');
  const [at, setAt] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [tooMany, setTooMany] = useState(false);
  const asking = useRef(false);
  const asked = askedWorks(text);

  const check = useMutation({
    mutationFn: async (question: {
      asked: AskedWork[];
      usage: string;
      territory: string;
      at: string;
    }) => {
      const body = unwrap(
        await api.POST('/v1/licence-check', {
          body: {
            questions: question.asked.map((a) => ({
              ...a.work,
              usage: question.usage,
              ...(question.territory ? { territory: question.territory } : {}),
              ...(question.at ? { at: question.at } : {}),
            })),
          },
        }),
      );
      return {
        asked: question.asked,
        usage: question.usage,
        at: question.at,
        answers: body.answers,
      };
    },
    onSuccess: (result) => setChecked(result),
    onSettled: () => {
      asking.current = false;
    },
  });
  const problem = isProblem(check.error) ? check.error : null;
  const overLimit = asked.length > MAX_LICENCE_QUESTIONS;
  const listError =
    tooMany && overLimit
      ? `${asked.length.toLocaleString('en')} identifiers: one check takes at most ${MAX_LICENCE_QUESTIONS.toLocaleString('en')}. Split the list and check each part.`
      : tooMany && asked.length === 0
        ? 'Enter at least one identifier'
        : lineMessages(problem, checked?.asked ?? asked);
  const usageError = questionFieldMessages(problem, 'usage');
  const territoryError = questionFieldMessages(problem, 'territory');
  const atError = questionFieldMessages(problem, 'at');
  const shownFields = problem
    ? problem.errors
        .map((e) => e.field)
        .filter((field) => field === 'questions' || field.startsWith('questions.'))
    : [];

  return (
    <>
      <PageHeader
        title="Licence check"
        description="Do you hold a licence for this use of these works? Each answer names the agreement and rate it rests on, or why not."
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="sm">
          <form
            aria-label="Licence check"
            onSubmit={(event) => {
              event.preventDefault();
              setTooMany(true);
              if (overLimit || asked.length === 0 || asking.current) return;
              setTooMany(false);
              asking.current = true;
              check.mutate({
                asked,
                usage: usage.trim(),
                territory: territory.trim().toUpperCase(),
                at,
              });
            }}
          >
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <Textarea
                label="Identifiers"
                description={`One per line, up to ${MAX_LICENCE_QUESTIONS.toLocaleString('en')}: scheme:value (isbn:…, doi:…, ext:…), an https:// address, or a SHA-256`}
                placeholder={'isbn:9780306406157\ndoi:10.1000/182\nhttps://news.example/story-1'}
                autosize
                minRows={6}
                maxRows={12}
                required
                spellCheck={false}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={text}
                onChange={(event) => {
                  setText(event.currentTarget.value);
                  setTooMany(false);
                }}
                error={listError}
              />
              <Stack gap="sm">
                <Autocomplete
                  label="Usage"
                  description="An RSL usage type, or an extension token like x-acme:finetune"
                  data={USAGES}
                  required
                  value={usage}
                  onChange={setUsage}
                  error={usageError}
                />
                <Group grow align="flex-start">
                  <TextInput
                    label="Territory"
                    description="ISO country code; not checked when empty"
                    placeholder="DE"
                    maxLength={2}
                    value={territory}
                    onChange={(event) => setTerritory(event.currentTarget.value)}
                    error={territoryError}
                  />
                  <TextInput
                    type="date"
                    label="Day of use"
                    description="Today (UTC) when empty"
                    value={at}
                    onChange={(event) => setAt(event.currentTarget.value)}
                    error={atError}
                  />
                </Group>
                <Group justify="space-between" mt="xs">
                  <Text size="sm" c={overLimit ? 'red.8' : 'dimmed'} aria-live="polite">
                    {asked.length.toLocaleString('en')}{' '}
                    {asked.length === 1 ? 'identifier' : 'identifiers'}
                    {overLimit ? ` — more than ${MAX_LICENCE_QUESTIONS.toLocaleString('en')}` : ''}
                  </Text>
                  <Button type="submit" loading={check.isPending}>
                    Check licence{asked.length === 1 ? '' : 's'}
                  </Button>
                </Group>
              </Stack>
            </SimpleGrid>
            {check.error && (
              <Stack mt="md">
                <ProblemAlert error={check.error} shownFields={shownFields} />
              </Stack>
            )}
          </form>
        </Paper>
        {checked && <Answers checked={checked} />}
      </Stack>
    </>
  );
}

function Answers({ checked }: { checked: Checked }) {
  const [show, setShow] = useState<Show>('all');
  const [page, setPage] = useState(1);
  const rows = checked.answers.map((answer, index) => ({
    answer,
    asked: checked.asked[index]?.asked ?? answer.identifier,
    line: index + 1,
  }));
  const licensed = rows.filter((r) => r.answer.licensed).length;
  const shown = rows.filter((r) => show === 'all' || (show === 'licensed') === r.answer.licensed);
  const pages = Math.max(1, Math.ceil(shown.length / ROWS_PER_PAGE));
  const current = Math.min(page, pages);
  const visible = shown.slice((current - 1) * ROWS_PER_PAGE, current * ROWS_PER_PAGE);

  return (
    <Stack gap="sm">
      <FigureGrid
        cols={3}
        figures={[
          { label: 'Checked', value: rows.length.toLocaleString('en') },
          { label: 'Licensed', value: licensed.toLocaleString('en') },
          { label: 'Not licensed', value: (rows.length - licensed).toLocaleString('en') },
        ]}
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Usage <strong>{checked.usage}</strong>
          {checked.at ? ` on ${checked.at}` : ' today (UTC)'}
        </Text>
        <SegmentedControl
          aria-label="Answers to show"
          size="sm"
          value={show}
          onChange={(value) => {
            setShow(value);
            setPage(1);
          }}
          data={[
            { value: 'all', label: 'All' },
            { value: 'licensed', label: 'Licensed' },
            { value: 'not-licensed', label: 'Not licensed' },
          ]}
        />
      </Group>
      <Paper withBorder radius="sm">
        <Table stickyHeader aria-label="Licence answers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={{ textAlign: 'right', width: 60 }}>Line</Table.Th>
              <Table.Th>Identifier</Table.Th>
              <Table.Th style={{ width: 140 }}>Licence</Table.Th>
              <Table.Th>Work</Table.Th>
              <Table.Th>Agreement</Table.Th>
              <Table.Th>Rate</Table.Th>
              <Table.Th>Why not / terms</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map(({ answer, asked, line }) => {
              const rate = answer.rate ? describeLicenceRate(answer.rate) : null;
              return (
                <Table.Tr key={line}>
                  <Table.Td className="figure" style={{ textAlign: 'right' }}>
                    {line}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {asked}
                    </Text>
                    {answer.identifier !== asked && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        as {answer.identifier}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <StatusBadge status={answer.licensed ? 'licensed' : 'not-licensed'} />
                  </Table.Td>
                  <Table.Td>
                    <ShortId id={answer.workId} label="work id" />
                  </Table.Td>
                  <Table.Td>
                    {answer.agreementId ? (
                      <Anchor
                        component={Link}
                        to={`/licensee/agreements/${answer.agreementId}`}
                        size="sm"
                        ff="monospace"
                        aria-label={`Agreement ${answer.agreementId}`}
                      >
                        {shortForm(answer.agreementId)}
                      </Anchor>
                    ) : (
                      <Text span c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {rate ? (
                      <>
                        <Text size="sm" className="figure">
                          {rate.major}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {rate.asAgreed}
                        </Text>
                      </>
                    ) : answer.licensed ? (
                      <Text size="sm" c="dimmed">
                        No per-unit rate (fees or revenue share)
                      </Text>
                    ) : (
                      <Text span c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {answer.licensed
                        ? answer.attributionRequired
                          ? 'Attribution required'
                          : ''
                        : (REFUSAL_WORDS[answer.reason ?? ''] ?? answer.reason)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {visible.length === 0 && (
          <Text c="dimmed" ta="center" p="lg" size="sm">
            No {show === 'licensed' ? 'licensed' : 'unlicensed'} answers in this check.
          </Text>
        )}
        {pages > 1 && (
          <Group
            justify="space-between"
            px="sm"
            py={6}
            style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
          >
            <Text size="xs" c="dimmed">
              Lines {(current - 1) * ROWS_PER_PAGE + 1}–
              {Math.min(current * ROWS_PER_PAGE, shown.length)} of {shown.length}
            </Text>
            <Pagination
              size="sm"
              total={pages}
              value={current}
              onChange={setPage}
              getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            />
          </Group>
        )}
      </Paper>
    </Stack>
  );
}
