import { LocalRateCounts } from './local-rate-counts';

describe('LocalRateCounts: one process, a limit of 3 a minute', () => {
  it('allows 3, refuses the 4th until the window ends, then starts again', () => {
    const counts = new LocalRateCounts(10, 60_000);
    const decisions = [0, 1, 2, 3].map(() => counts.consume('p', 3, 1_000));
    expect(decisions.map((d) => [d.allowed, d.remaining, d.resetSeconds])).toEqual([
      [true, 2, 60],
      [true, 1, 60],
      [true, 0, 60],
      [false, 0, 60],
    ]);
    expect(counts.consume('p', 3, 31_000)).toMatchObject({ allowed: false, resetSeconds: 30 });
    expect(counts.consume('q', 3, 31_000)).toMatchObject({ allowed: true, remaining: 2 });
    expect(counts.consume('p', 3, 61_000)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('LocalRateCounts: reconciled with the shared count', () => {
  it('sends what it counted once, then decides on the shared count plus its own since', () => {
    const counts = new LocalRateCounts(10, 60_000);
    counts.consume('p', 10, 0);
    counts.consume('p', 10, 0);
    const taken = counts.takeUnsent();
    expect(taken.map(({ key, delta }) => [key, delta])).toEqual([['p', 2]]);
    expect(counts.takeUnsent()).toEqual([]);
    // Meanwhile another process counted 6: Redis answers 8, its window ending in 20 s.
    counts.consume('p', 10, 1_000);
    counts.reconcile('p', 8, 20, 1_000);
    expect(counts.consume('p', 10, 1_000)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 0,
      resetSeconds: 20,
    });
    expect(counts.consume('p', 10, 1_000)).toMatchObject({ allowed: false, remaining: 0 });
    expect(counts.takeUnsent().map(({ delta }) => delta)).toEqual([3]);
    // The shared window ends when Redis said, not a minute after this process first saw p.
    expect(counts.consume('p', 10, 21_000)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('keeps a delta Redis did not take for the next time, within the same window only', () => {
    const counts = new LocalRateCounts(10, 60_000);
    counts.consume('p', 5, 0);
    counts.consume('p', 5, 0);
    const [taken] = counts.takeUnsent();
    counts.restore(taken);
    expect(counts.consume('p', 5, 0)).toMatchObject({ remaining: 2 });
    expect(counts.takeUnsent().map(({ delta }) => delta)).toEqual([3]);

    counts.consume('q', 5, 0);
    const [late] = counts.takeUnsent();
    counts.consume('q', 5, 60_000); // a new window
    counts.restore(late);
    expect(counts.takeUnsent().map(({ key, delta }) => [key, delta])).toEqual([['q', 1]]);
  });
});

describe('LocalRateCounts: bounded', () => {
  it('keeps at most max keys, dropping ended windows first, then the oldest', () => {
    const counts = new LocalRateCounts(3, 60_000);
    counts.consume('old', 1, 0);
    counts.consume('a', 1, 50_000);
    counts.consume('b', 1, 50_000);
    counts.consume('c', 1, 70_000); // 'old' ended: swept
    expect(counts.size).toBe(3);
    counts.consume('d', 1, 80_000); // none ended: the oldest ('a') goes
    expect(counts.size).toBe(3);
    expect(counts.consume('b', 1, 80_000).allowed).toBe(false);
    expect(counts.consume('a', 1, 80_000).allowed).toBe(true);
  });
});
