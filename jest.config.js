/** Unit tests: pure logic beside the code, no database or Redis. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'unit' }]],
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/emulator/**/*.spec.ts',
    '<rootDir>/console/src/**/*.spec.ts',
  ],
  // A mutation run's sandbox (npm run test:mutation) holds a copy of the project: not tests of this one.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // ESM-only dependencies that jest's CommonJS runtime cannot require: compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
};
