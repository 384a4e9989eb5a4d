import type { Column } from './CursorTable';
import { Money } from './Money';
import { StatusBadge } from './StatusBadge';

interface InvoiceFigures {
  currency: string;
  amount: number;
  paid: number;
  outstanding: number;
  paymentStatus: string;
}

/** An invoice's amount, paid, outstanding and payment status as table columns, the same wherever invoices are listed. */
export function invoiceFigureColumns<T extends InvoiceFigures>(): Column<T>[] {
  return [
    {
      key: 'amount',
      header: 'Amount',
      align: 'right',
      render: (i) => <Money minor={i.amount} currency={i.currency} size="sm" signed />,
    },
    {
      key: 'paid',
      header: 'Paid',
      align: 'right',
      render: (i) => <Money minor={i.paid} currency={i.currency} size="sm" />,
    },
    {
      key: 'outstanding',
      header: 'Outstanding',
      align: 'right',
      render: (i) => <Money minor={i.outstanding} currency={i.currency} size="sm" fw={600} />,
    },
    {
      key: 'status',
      header: 'Status',
      render: (i) => <StatusBadge status={i.paymentStatus} />,
    },
  ];
}
