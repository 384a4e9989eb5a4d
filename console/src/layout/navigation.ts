import type { Role } from '../session/session';

export interface NavItem {
  label: string;
  to: string;
}

/** Each principal sees only its own workspace (docs/CONSOLE.md). */
export const NAVIGATION: Record<Role, NavItem[]> = {
  finance: [
    { label: 'Overview', to: '/finance' },
    { label: 'Royalty runs', to: '/finance/royalty-runs' },
    { label: 'Statements', to: '/finance/statements' },
    { label: 'Invoices', to: '/finance/invoices' },
    { label: 'Payout runs', to: '/finance/payout-runs' },
    { label: 'Payee holds', to: '/finance/payees' },
    { label: 'Reconciliation', to: '/finance/reconciliations' },
    { label: 'Ledger', to: '/finance/ledger' },
  ],
  admin: [{ label: 'Audit log', to: '/admin/audit-events' }],
  publisher: [{ label: 'Home', to: '/publisher' }],
  licensee: [{ label: 'Home', to: '/licensee' }],
};
