/** End-to-end tests: the real app over HTTP against PostgreSQL and Redis, one database per worker. */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'e2e' }]],
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // ESM-only dependencies that jest's CommonJS runtime cannot require: compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
