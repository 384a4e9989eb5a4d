import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Shell } from './layout/Shell';
import { NotFound } from './pages/NotFound';
import { SignIn } from './pages/SignIn';
import { WorkspaceHome } from './pages/WorkspaceHome';
import { RequireRole, RequireSession } from './session/session-context';

// Each page is its own chunk, loaded when first opened: the first page stays small.
const Overview = lazy(() => import('./pages/finance/Overview'));
const RoyaltyRuns = lazy(() => import('./pages/finance/RoyaltyRuns'));
const RoyaltyRun = lazy(() => import('./pages/finance/RoyaltyRun'));
const Statements = lazy(() => import('./pages/finance/Statements'));
const Statement = lazy(() => import('./pages/finance/Statement'));
const Invoices = lazy(() => import('./pages/finance/Invoices'));
const PayoutRuns = lazy(() => import('./pages/finance/PayoutRuns'));
const PayoutRun = lazy(() => import('./pages/finance/PayoutRun'));
const PayeeHolds = lazy(() => import('./pages/finance/PayeeHolds'));
const Reconciliations = lazy(() => import('./pages/finance/Reconciliations'));
const Reconciliation = lazy(() => import('./pages/finance/Reconciliation'));
const Ledger = lazy(() => import('./pages/finance/Ledger'));
const LedgerAccount = lazy(() => import('./pages/finance/LedgerAccount'));
const AuditEvents = lazy(() => import('./pages/admin/AuditEvents'));

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignIn /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    children: [
      { index: true, element: <WorkspaceHome /> },
      {
        path: 'finance',
        element: <RequireRole role="finance" />,
        children: [
          { index: true, element: <Overview /> },
          { path: 'royalty-runs', element: <RoyaltyRuns /> },
          { path: 'royalty-runs/:id', element: <RoyaltyRun /> },
          { path: 'statements', element: <Statements /> },
          { path: 'statements/:id', element: <Statement /> },
          { path: 'invoices', element: <Invoices /> },
          { path: 'payout-runs', element: <PayoutRuns /> },
          { path: 'payout-runs/:id', element: <PayoutRun /> },
          { path: 'payees', element: <PayeeHolds /> },
          { path: 'reconciliations', element: <Reconciliations /> },
          { path: 'reconciliations/:id', element: <Reconciliation /> },
          { path: 'ledger', element: <Ledger /> },
          { path: 'ledger/accounts/:id', element: <LedgerAccount /> },
        ],
      },
      { path: 'admin', element: <Navigate to="/admin/audit-events" replace /> },
      {
        path: 'admin/audit-events',
        element: <RequireRole role="admin" />,
        children: [{ index: true, element: <AuditEvents /> }],
      },
      { path: 'publisher', element: <WorkspaceHome /> },
      { path: 'licensee', element: <WorkspaceHome /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
