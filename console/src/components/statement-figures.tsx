import type { Column } from './CursorTable';
import { Money } from './Money';

interface StatementFigures {
  currency: string;
  gross: number;
  commission: number;
  net: number;
}

/** A statement's gross, commission and net as table columns, the same wherever statements are listed. */
export function statementFigureColumns<T extends StatementFigures>(): Column<T>[] {
  return [
    {
      key: 'gross',
      header: 'Gross',
      align: 'right',
      render: (s) => <Money minor={s.gross} currency={s.currency} size="sm" signed />,
    },
    {
      key: 'commission',
      header: 'Commission',
      align: 'right',
      render: (s) => <Money minor={s.commission} currency={s.currency} size="sm" signed />,
    },
    {
      key: 'net',
      header: 'Net',
      align: 'right',
      render: (s) => <Money minor={s.net} currency={s.currency} size="sm" fw={600} signed />,
    },
  ];
}
