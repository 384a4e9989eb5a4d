import { Button, Group, Loader, Paper, ScrollArea, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** Figures are right-aligned. */
  align?: 'left' | 'right';
  width?: number | string;
}

interface CursorTableProps<T> {
  /** Identifies the list and its filters; changing it starts again at the first page. */
  queryKey: readonly unknown[];
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  rowLabel?: (row: T) => string;
  empty: ReactNode;
  caption: string;
  /** Poll while something in the list is still moving (e.g. a run calculating). */
  refetchInterval?: number | false | ((rows: T[]) => number | false);
}

/** A table's caption (for screen readers) and its column headers, figures right-aligned. */
export function TableHead<T>({ caption, columns }: { caption: string; columns: Column<T>[] }) {
  return (
    <>
      <Table.Caption style={{ position: 'absolute', left: -10000 }}>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column) => (
            <Table.Th
              key={column.key}
              style={{ textAlign: column.align ?? 'left', width: column.width }}
            >
              {column.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
    </>
  );
}

/**
 * A list read one page at a time through the API's cursors: only the page on screen is held, so
 * a list of 100,000 rows is as fast as one of ten. Previous pages are remembered as their cursors.
 */
export function CursorTable<T>(props: CursorTableProps<T>) {
  const { queryKey, fetchPage, columns, rowKey, onRowClick, rowLabel, empty, caption } = props;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [listKey, setListKey] = useState(JSON.stringify(queryKey));
  if (listKey !== JSON.stringify(queryKey)) {
    // Filters changed: back to the first page (state adjusted during render, as React advises).
    setListKey(JSON.stringify(queryKey));
    setCursors([undefined]);
  }
  const cursor = cursors[cursors.length - 1];
  const page = useQuery({
    queryKey: [...queryKey, 'page', cursor ?? null],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => {
      const interval = props.refetchInterval;
      if (typeof interval === 'function') return interval(query.state.data?.data ?? []);
      return interval ?? false;
    },
  });
  const rows = page.data?.data ?? [];
  const pageNumber = cursors.length;

  return (
    <Paper withBorder radius="sm">
      {page.error ? (
        <ProblemAlert error={page.error} />
      ) : (
        <ScrollArea.Autosize
          mah="calc(100vh - 260px)"
          type="auto"
          offsetScrollbars="x"
          // A long list scrolls inside its frame: the keyboard can reach and scroll it too.
          viewportProps={{ tabIndex: 0, 'aria-label': caption }}
        >
          <Table stickyHeader captionSide="top" aria-busy={page.isFetching}>
            <TableHead caption={caption} columns={columns} />
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={rowKey(row)}
                  onClick={onRowClick ? () => onRowClick(row) : undefined}
                  onKeyDown={
                    onRowClick
                      ? (event) => {
                          if (event.key === 'Enter') onRowClick(row);
                        }
                      : undefined
                  }
                  tabIndex={onRowClick ? 0 : undefined}
                  aria-label={onRowClick && rowLabel ? rowLabel(row) : undefined}
                  style={onRowClick ? { cursor: 'pointer' } : undefined}
                >
                  {columns.map((column) => (
                    <Table.Td key={column.key} style={{ textAlign: column.align ?? 'left' }}>
                      {column.render(row)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {page.isPending && (
            <Group justify="center" p="md">
              <Loader size="sm" aria-label="Loading" />
            </Group>
          )}
          {page.isSuccess && rows.length === 0 && pageNumber === 1 && (
            <Text c="dimmed" ta="center" p="lg" size="sm">
              {empty}
            </Text>
          )}
        </ScrollArea.Autosize>
      )}
      <Group
        justify="space-between"
        px="sm"
        py={6}
        style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Text size="xs" c="dimmed">
          Page {pageNumber}
          {rows.length > 0 ? ` · ${rows.length} rows` : ''}
        </Text>
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="default"
            disabled={pageNumber === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous
          </Button>
          <Button
            size="compact-sm"
            variant="default"
            disabled={!page.data?.nextCursor || page.isPlaceholderData}
            onClick={() => setCursors((c) => [...c, page.data!.nextCursor!])}
          >
            Next
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
