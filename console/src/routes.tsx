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
const Overdue = lazy(() => import('./pages/finance/Overdue'));
const PayoutRuns = lazy(() => import('./pages/finance/PayoutRuns'));
const PayoutRun = lazy(() => import('./pages/finance/PayoutRun'));
const PayeeHolds = lazy(() => import('./pages/finance/PayeeHolds'));
const Reconciliations = lazy(() => import('./pages/finance/Reconciliations'));
const Reconciliation = lazy(() => import('./pages/finance/Reconciliation'));
const Ledger = lazy(() => import('./pages/finance/Ledger'));
const LedgerAccount = lazy(() => import('./pages/finance/LedgerAccount'));
const AuditEvents = lazy(() => import('./pages/admin/AuditEvents'));

// The publisher's workspace.
const PublisherHome = lazy(() => import('./pages/publisher/Home'));
const PublisherStatements = lazy(() => import('./pages/publisher/Statements'));
const PublisherStatement = lazy(() => import('./pages/publisher/Statement'));
const PublisherUsage = lazy(() => import('./pages/publisher/Usage'));

const Works = lazy(() => import('./pages/publisher/Works'));
const Work = lazy(() => import('./pages/publisher/Work'));
const WorkForm = lazy(() => import('./pages/publisher/WorkForm'));
const Imports = lazy(() => import('./pages/publisher/Imports'));
const Import = lazy(() => import('./pages/publisher/Import'));

const Payees = lazy(() => import('./pages/publisher/Payees'));
const Payee = lazy(() => import('./pages/publisher/Payee'));
const PublisherOffers = lazy(() => import('./pages/publisher/Offers'));
const PublisherOffer = lazy(() => import('./pages/publisher/Offer'));
const OfferForm = lazy(() => import('./pages/publisher/OfferForm'));
const PublisherAgreements = lazy(() => import('./pages/publisher/Agreements'));
const PublisherAgreement = lazy(() => import('./pages/publisher/Agreement'));

// The licensee's workspace.
const LicenseeAgreements = lazy(() => import('./pages/licensee/Agreements'));
const LicenseeAgreement = lazy(() => import('./pages/licensee/Agreement'));
const LicenseeOffers = lazy(() => import('./pages/licensee/Offers'));
const LicenseeOffer = lazy(() => import('./pages/licensee/Offer'));
const LicenceCheck = lazy(() => import('./pages/licensee/LicenceCheck'));
const UsageReports = lazy(() => import('./pages/licensee/UsageReports'));
const UsageReport = lazy(() => import('./pages/licensee/UsageReport'));
const UsageReportUpload = lazy(() => import('./pages/licensee/UsageReportUpload'));
const LicenseeInvoices = lazy(() => import('./pages/licensee/Invoices'));
const LicenseeBilling = lazy(() => import('./pages/licensee/Billing'));

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
          { path: 'overdue', element: <Overdue /> },
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
      {
        path: 'publisher',
        element: <RequireRole role="publisher" />,
        children: [
          { index: true, element: <PublisherHome /> },
          { path: 'statements', element: <PublisherStatements /> },
          { path: 'statements/:id', element: <PublisherStatement /> },
          { path: 'usage', element: <PublisherUsage /> },

          { path: 'works', element: <Works /> },
          { path: 'works/new', element: <WorkForm /> },
          { path: 'works/:id', element: <Work /> },
          { path: 'works/:id/edit', element: <WorkForm /> },
          { path: 'imports', element: <Imports /> },
          { path: 'imports/:id', element: <Import /> },

          { path: 'payees', element: <Payees /> },
          { path: 'payees/:id', element: <Payee /> },
          { path: 'offers', element: <PublisherOffers /> },
          { path: 'offers/new', element: <OfferForm /> },
          { path: 'offers/:id', element: <PublisherOffer /> },
          { path: 'offers/:id/edit', element: <OfferForm /> },
          { path: 'agreements', element: <PublisherAgreements /> },
          { path: 'agreements/:id', element: <PublisherAgreement /> },
        ],
      },
      {
        path: 'licensee',
        element: <RequireRole role="licensee" />,
        children: [
          { index: true, element: <Navigate to="/licensee/agreements" replace /> },
          { path: 'agreements', element: <LicenseeAgreements /> },
          { path: 'agreements/:id', element: <LicenseeAgreement /> },
          { path: 'offers', element: <LicenseeOffers /> },
          { path: 'offers/:id', element: <LicenseeOffer /> },
          { path: 'licence-check', element: <LicenceCheck /> },
          { path: 'usage-reports', element: <UsageReports /> },
          { path: 'usage-reports/new', element: <UsageReportUpload /> },
          { path: 'usage-reports/:id', element: <UsageReport /> },
          { path: 'invoices', element: <LicenseeInvoices /> },
          { path: 'billing', element: <LicenseeBilling /> },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
