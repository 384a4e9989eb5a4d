// @ts-check
/**
 * The identifier validators' mutation run with their own specs only (docs/RELIABILITY.md,
 * "Mutation testing"): `npx stryker run stryker.identifiers.config.mjs --mutate <file>`.
 * The validators are imported by the usage, import and offer-terms code, so the main config loads
 * those spec files for every identifier mutant (10 s or more each here); fewer tests can only
 * leave more mutants alive, so a score from this config is a floor.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

const config = {
  ...base,
  jest: {
    ...base.jest,
    config: { testMatch: ['<rootDir>/src/catalogue/identifiers/*.spec.ts'] },
  },
  mutate: ['src/catalogue/identifiers/*.ts', '!src/**/*.spec.ts'],
  htmlReporter: { fileName: 'reports/mutation/identifiers.html' },
  jsonReporter: { fileName: 'reports/mutation/identifiers.json' },
};

export default config;
