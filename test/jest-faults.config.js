/**
 * The fault tests (npm run test:faults): the api and the worker as processes from dist/, killed,
 * with PostgreSQL restarted and Redis flushed under them. One file at a time: a PostgreSQL
 * restart reaches every database on the server.
 */
const e2e = require('./jest-e2e.config');

module.exports = {
  ...e2e,
  reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'faults' }]],
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
