/** End-to-end tests: the real app over HTTP against PostgreSQL and Redis, one database per worker. */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'e2e' }]],
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: {
    // @fastify/cookie loads cookie (ESM-only) with import(), which jest's CommonJS runtime cannot
    // run: compiled to a require (of cookie, compiled below) here. .swcrc keeps import() elsewhere.
    '/node_modules/@fastify/cookie/index\\.js$': [
      '@swc/jest',
      {
        swcrc: false,
        jsc: { target: 'es2022' },
        module: { type: 'commonjs', ignoreDynamic: false },
      },
    ],
    '^.+\\.(t|j)s$': ['@swc/jest'],
  },
  // ESM-only dependencies that jest's CommonJS runtime cannot require: compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@fastify/cookie|cookie)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
