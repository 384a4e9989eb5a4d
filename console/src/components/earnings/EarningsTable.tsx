import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { TableHead, type Column } from '../CursorTable';

/**
 * A short table of rows the API answered whole (a publisher's payees, the top works): the same
 * columns as a CursorTable, without pages.
 */
export function EarningsTable<T>({
  caption,
  rows,
  rowKey,
  columns,
  empty,
}: {
  caption: string;
  rows: T[];
  rowKey: (row: T) => string;
  columns: Column<T>[];
  empty: ReactNode;
}) {
  if (rows.length === 0) {
    return (
      <Text c="dimmed" size="sm" py="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={0}>
      <Table captionSide="top">
        <TableHead caption={caption} columns={columns} />
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)}>
              {columns.map((column) => (
                <Table.Td key={column.key} style={{ textAlign: column.align ?? 'left' }}>
                  {column.render(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
