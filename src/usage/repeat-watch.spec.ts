import fc from 'fast-check';
import { RepeatWatch } from './repeat-watch';

describe('RepeatWatch', () => {
  it('suspects every lineId that repeats, and few that do not', () => {
    const watch = new RepeatWatch(200_000);
    for (let i = 0; i < 200_000; i++) watch.see(`L${i}`);
    watch.see('L17');
    watch.see('L199999');
    const suspects = watch.suspected();
    expect(suspects).toEqual(expect.arrayContaining(['L17', 'L199999']));
    // 16 bits per line, 8 hashes: about one false suspect in 1,800 lines.
    expect(suspects!.length).toBeLessThan(2 + 400);
  });

  it('never misses a repeat (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 300 }), (ids) => {
        const watch = new RepeatWatch(ids.length);
        for (const id of ids) watch.see(id);
        const suspects = new Set(watch.suspected());
        const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
        for (const id of repeated) expect(suspects.has(id)).toBe(true);
      }),
    );
  });

  it('gives up, and says so, when there are too many suspects', () => {
    const watch = new RepeatWatch(10);
    for (let i = 0; i <= RepeatWatch.MAX_SUSPECTS; i++) {
      watch.see('same');
    }
    expect(watch.suspected()).toEqual(['same']);
    for (let i = 0; i < 500_000; i++) watch.see(`L${i}`);
    expect(watch.suspected()).toBeNull();
  });

  it('allocates for the lines that arrive, not for the lines declared', () => {
    const watch = new RepeatWatch(1e12);
    expect(watch.bytes).toBe(8 * 1024);
    for (let i = 0; i < 2048; i++) watch.see(`L${i}`);
    expect(watch.bytes).toBe(8 * 1024);
    for (let i = 2048; i < 300_000; i++) watch.see(`L${i}`);
    // 8 KiB, 64 KiB, 512 KiB, 4 MiB: below 32 bytes per line received.
    expect(watch.bytes).toBe((8 + 64 + 512 + 4096) * 1024);
    expect(watch.bytes).toBeLessThan(300_000 * 32);
  });

  it('finds repeats across the filters it outgrew, with few false suspects', () => {
    const watch = new RepeatWatch(300_000);
    for (let i = 0; i < 300_000; i++) watch.see(`L${i}`);
    const repeats = ['L0', 'L2047', 'L2048', 'L20000', 'L200000', 'L299999'];
    for (const early of repeats) watch.see(early);
    const suspects = watch.suspected()!;
    expect(suspects).toEqual(expect.arrayContaining(repeats));
    // Full size 2^23 bits (16 per line, rounded up to 28): about one false suspect in 5,000.
    expect(suspects.length).toBeLessThan(repeats.length + 300);
  });
});
