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
    { label: 'Overdue', to: '/finance/overdue' },
    { label: 'Payout runs', to: '/finance/payout-runs' },
    { label: 'Payee holds', to: '/finance/payees' },
    { label: 'Reconciliation', to: '/finance/reconciliations' },
    { label: 'Ledger', to: '/finance/ledger' },
  ],
  admin: [{ label: 'Audit log', to: '/admin/audit-events' }],
  publisher: [
    { label: 'Home', to: '/publisher' },
    { label: 'Catalogue', to: '/publisher/works' },
    { label: 'Imports', to: '/publisher/imports' },
    { label: 'Payees', to: '/publisher/payees' },
    { label: 'Offers', to: '/publisher/offers' },
    { label: 'Agreements', to: '/publisher/agreements' },
    { label: 'Usage', to: '/publisher/usage' },
    { label: 'Statements', to: '/publisher/statements' },
  ],
  licensee: [
    { label: 'Agreements', to: '/licensee/agreements' },
    { label: 'Offers', to: '/licensee/offers' },
    { label: 'Licence check', to: '/licensee/licence-check' },
    { label: 'Usage reports', to: '/licensee/usage-reports' },
    { label: 'Invoices', to: '/licensee/invoices' },
    { label: 'Billing', to: '/licensee/billing' },
  ],
};
