// @ts-check
/**
 * Mutation testing of the money and validation code (docs/RELIABILITY.md, "Mutation testing"):
 * `npm run test:mutation`. The unit suite (jest.config.js, src/**\/*.spec.ts) runs against each
 * mutant; no database is needed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the server's unit tests: the emulator's and console's cannot reach these files.
    config: { testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: one test runner at a time.
  concurrency: 1,
  // A mutant's run may wait on the other work of a shared machine: 5 s (the default) timed out
  // mutants that were not looping, and each timeout restarts the runner. Endless loops through
  // the mutated code are stopped sooner anyway, by Stryker's count of the mutant's hits.
  timeoutMS: 20_000,
  mutate: [
    // Royalties: allocation, rounding, pricing and proration, payments on invoices.
    'src/royalties/allocate.ts',
    'src/royalties/prorated-fee.ts',
    'src/royalties/fixed-charges.ts',
    'src/royalties/run-rates.ts',
    'src/royalties/payment-plan.ts',
    'src/licensing/agreement-versions.ts',
    'src/licensing/offer-terms.ts',
    'src/licensing/offer-terms-input.ts',
    // Money conversions.
    'src/common/money/**/*.ts',
    // Identifier validators.
    'src/catalogue/identifiers/*.ts',
    // The ledger's balancing (the TypeScript side; the database's trigger is SQL).
    'src/ledger/journal-entry.ts',
    'src/ledger/ledger-accounts.ts',
    // Payouts: eligibility, their journal entries, the rate limit, reconciliation.
    'src/payouts/payout-eligibility.ts',
    'src/payouts/payout-ledger.ts',
    'src/payouts/payout-rate.ts',
    'src/payouts/reconcile.ts',
    // Collection: a Stripe invoice's lines.
    'src/collection/invoice-lines.ts',
    // Receipts: ids, signing, verifying, counting; of the citations, the HMAC pads (the rest is SQL).
    'src/receipts/receipt-id.ts',
    'src/receipts/sign-receipt.ts',
    'src/receipts/verify-receipt.ts',
    'src/receipts/receipt-citations.ts:14-23',
    'src/receipts/receipt-counts.ts',
    '!src/**/*.spec.ts',
  ],
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: the embedded database's files and build output.
  ignorePatterns: ['.data', 'dist', 'console/dist', 'coverage'],
};

export default config;
