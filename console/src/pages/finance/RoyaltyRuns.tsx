import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, newIdempotencyKey, unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { CursorTable } from '../../components/CursorTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ShortId } from '../../components/ShortId';
import { StatusBadge } from '../../components/StatusBadge';
import { formatPeriod, formatTimestamp, monthBounds } from '../../format/dates';

type RoyaltyRun = components['schemas']['RoyaltyRunResponse'];

export default function RoyaltyRuns() {
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure(false);
  return (
    <>
      <PageHeader
        title="Royalty runs"
        description="Each run prices a period's usage, invoices licensees and writes payees' statements; posting puts it in the ledger."
        actions={<Button onClick={open}>Calculate a run</Button>}
      />
      <CursorTable<RoyaltyRun>
        caption="Royalty runs"
        queryKey={['royalty-runs']}
        fetchPage={async (cursor) =>
          unwrap(await api.GET('/v1/royalty-runs', { params: { query: { cursor, limit: 50 } } }))
        }
        refetchInterval={(rows) =>
          rows.some((run) => run.status === 'calculating') ? 1000 : false
        }
        rowKey={(run) => run.id}
        rowLabel={(run) => `Royalty run ${formatPeriod(run.periodStart, run.periodEnd)}`}
        onRowClick={(run) => void navigate(`/finance/royalty-runs/${run.id}`)}
        empty="No royalty runs yet — calculate one for a period."
        columns={[
          {
            key: 'period',
            header: 'Period',
            render: (run) => formatPeriod(run.periodStart, run.periodEnd),
          },
          { key: 'status', header: 'Status', render: (run) => <StatusBadge status={run.status} /> },
          {
            key: 'statements',
            header: 'Statements',
            align: 'right',
            render: (run) => run.summary.statements ?? '—',
          },
          {
            key: 'invoiced',
            header: 'Invoiced',
            align: 'right',
            render: (run) => (
              <Stack gap={0} align="flex-end">
                {(run.summary.byCurrency ?? []).map((c) => (
                  <Money key={c.currency} minor={c.invoiced} currency={c.currency} size="sm" />
                ))}
              </Stack>
            ),
          },
          { key: 'created', header: 'Created', render: (run) => formatTimestamp(run.createdAt) },
          { key: 'id', header: 'Run', render: (run) => <ShortId id={run.id} label="run id" /> },
        ]}
      />
      <NewRunModal opened={creating} onClose={close} />
    </>
  );
}

function NewRunModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [month, setMonth] = useState<string | null>(null);
  // One key per opening of the form: a double click or a retry after a timeout creates one run.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: async (period: { start: string; end: string }) =>
      unwrap(
        await api.POST('/v1/royalty-runs', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { periodStart: period.start, periodEnd: period.end },
        }),
      ),
    onSuccess: (run) => {
      void queries.invalidateQueries({ queryKey: ['royalty-runs'] });
      void navigate(`/finance/royalty-runs/${run.id}`);
    },
  });
  const period = month ? monthBounds(new Date(`${month}T00:00:00`)) : null;
  const closeAndReset = () => {
    onClose();
    setMonth(null);
    create.reset();
    setIdempotencyKey(newIdempotencyKey());
  };
  return (
    <Modal opened={opened} onClose={closeAndReset} title="Calculate a royalty run">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (period && !create.isPending) create.mutate(period);
        }}
      >
        <Stack>
          <MonthPickerInput
            label="Period"
            description="The calendar month whose accepted usage the run prices"
            placeholder="Pick a month"
            value={month}
            onChange={setMonth}
            error={
              isProblem(create.error)
                ? (create.error.fieldMessages('periodStart') ??
                  create.error.fieldMessages('periodEnd'))
                : undefined
            }
            ariaLabels={{
              previousYear: 'Previous year',
              nextYear: 'Next year',
              yearLevelControl: 'Choose another year',
              previousDecade: 'Previous decade',
              nextDecade: 'Next decade',
            }}
          />
          {period && (
            <Text size="sm">
              {formatPeriod(period.start, period.end)}: {period.start} to {period.end}
            </Text>
          )}
          <ProblemAlert error={create.error} shownFields={['periodStart', 'periodEnd']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={closeAndReset}>
              Cancel
            </Button>
            <Button type="submit" disabled={!period} loading={create.isPending}>
              Calculate
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
