import { Coalesced } from './coalesced';

/** A promise with its resolve and reject exposed. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A Coalesced whose runs end when the test settles them (`runs[i]`). */
function heldRuns(): { coalesced: Coalesced; runs: ReturnType<typeof deferred>[] } {
  const runs: ReturnType<typeof deferred>[] = [];
  const coalesced = new Coalesced(() => {
    const run = deferred();
    runs.push(run);
    return run.promise;
  });
  return { coalesced, runs };
}

describe('Coalesced', () => {
  it('runs once for callers that ask before the run starts, and once more for those asking during it', async () => {
    const { coalesced, runs } = heldRuns();
    const first = [coalesced.request(), coalesced.request(), coalesced.request()];
    await tick();
    expect(runs).toHaveLength(1);
    // Asked while the first run is under way: served by a second run, not by the first.
    const second = [coalesced.request(), coalesced.request()];
    let secondSettled = false;
    void Promise.all(second).then(() => (secondSettled = true));
    runs[0].resolve();
    await Promise.all(first);
    await tick();
    expect(runs).toHaveLength(2);
    expect(secondSettled).toBe(false);
    runs[1].resolve();
    await Promise.all(second);
    expect(runs).toHaveLength(2);
    // Idle again: the next request starts a run of its own.
    const third = coalesced.request();
    await tick();
    expect(runs).toHaveLength(3);
    runs[2].resolve();
    await third;
  });

  it("gives a failed run's error to the callers it served only; the next run starts anyway", async () => {
    const { coalesced, runs } = heldRuns();
    const failing = coalesced.request();
    await tick();
    const next = coalesced.request();
    runs[0].reject(new Error('redis down'));
    await expect(failing).rejects.toThrow('redis down');
    await tick();
    expect(runs).toHaveLength(2);
    runs[1].resolve();
    await expect(next).resolves.toBeUndefined();
  });
});
