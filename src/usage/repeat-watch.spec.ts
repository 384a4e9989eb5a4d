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
});
