import { startFuzzSession, FuzzSession, summarize } from './fuzz/fuzz-session';

/**
 * Requests generated from the service's own /openapi.json, for every operation and every role's
 * key (and none), valid and mutated: the invariants of fuzz/fuzz-session.ts#checkAnswer hold for
 * every answer, and a refused request writes nothing. `npm run fuzz` runs as many as asked
 * (FUZZ_RUNS, FUZZ_SEED); this bounded run is part of `npm test`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);

describe('fuzzing from the OpenAPI document', () => {
  let session: FuzzSession;
  beforeAll(async () => {
    session = await startFuzzSession();
  }, 120_000);
  afterAll(() => session?.close());

  it(
    `answers ${RUNS} generated requests (seed ${SEED}) without a defect`,
    async () => {
      const started = Date.now();
      const defects = await session.fuzz(SEED, RUNS, (done) => {
        if (process.env.FUZZ_PROGRESS)
          process.stdout.write(
            `fuzz: ${done}/${RUNS} requests, ${Math.round((Date.now() - started) / 1000)} s\n`,
          );
      });
      if (process.env.FUZZ_PROGRESS) {
        const answers = [...session.answers].sort(([a], [b]) => a.localeCompare(b));
        process.stdout.write(
          `fuzz: ${RUNS} requests, seed ${SEED}, ${defects.length} defects; answers ${answers.map(([k, n]) => `${k}: ${n}`).join(', ')}\n`,
        );
      }
      expect(summarize(defects)).toEqual([]);
    },
    Math.max(600_000, RUNS * 200),
  );
});
