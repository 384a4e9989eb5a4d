import { Blocklist, LocalWindows } from './local-windows';

describe('LocalWindows: a minute of 3 requests', () => {
  it('allows 3, refuses the 4th until the window ends, then starts again', () => {
    const windows = new LocalWindows(10, 60_000);
    const decisions = [0, 1, 2, 3].map(() => windows.consume('a', 3, 1_000));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(windows.consume('a', 3, 31_000)).toMatchObject({ allowed: false, resetSeconds: 30 });
    expect(windows.consume('b', 3, 31_000)).toMatchObject({ allowed: true, remaining: 2 });
    expect(windows.consume('a', 3, 61_000)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('LocalWindows: bounded', () => {
  it('keeps at most max windows, dropping expired ones first, then the oldest', () => {
    const windows = new LocalWindows(3, 60_000);
    windows.consume('old', 1, 0);
    windows.consume('a', 1, 50_000);
    windows.consume('b', 1, 50_000);
    windows.consume('c', 1, 70_000); // 'old' expired: swept
    expect(windows.size).toBe(3);
    windows.consume('d', 1, 80_000); // none expired: the oldest ('a') goes
    expect(windows.size).toBe(3);
    expect(windows.consume('b', 1, 80_000).allowed).toBe(false);
    expect(windows.consume('a', 1, 80_000).allowed).toBe(true);
  });
});

describe('Blocklist', () => {
  it('refuses a key until its time, forgets it after, and stays bounded', () => {
    const blocked = new Blocklist(2);
    expect(blocked.isEmpty).toBe(true);
    blocked.block('x', 10_000, 0);
    expect(blocked.secondsLeft('x', 500)).toBe(10);
    expect(blocked.secondsLeft('y', 500)).toBe(0);
    blocked.block('y', 20_000, 0);
    blocked.block('z', 20_000, 0); // full: the oldest ('x') goes
    expect(blocked.secondsLeft('x', 1_000)).toBe(0);
    expect(blocked.secondsLeft('z', 19_500)).toBe(1);
    expect(blocked.secondsLeft('z', 20_000)).toBe(0);
  });
});
