import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ReceiptCounts } from './receipt-counts';

const A = '00000000-0000-7000-8000-00000000000a';
const B = '00000000-0000-7000-8000-00000000000b';
const W = '00000000-0000-7000-8000-0000000000ff';

/** The statements a fake database was sent: each flush's rows as the five parameter arrays. */
function fakeDatabase(failures: number) {
  const calls: unknown[][][] = [];
  let failing = failures;
  const dataSource = {
    query: (_sql: string, params: unknown[][]) => {
      if (failing > 0) {
        failing -= 1;
        return Promise.reject(new Error('database down'));
      }
      calls.push(params);
      return Promise.resolve([]);
    },
  } as unknown as DataSource;
  return { dataSource, calls };
}

const config = (maxKeys = 100) =>
  ({
    get: (name: string) =>
      ({ RECEIPT_COUNT_MAX_KEYS: maxKeys, RECEIPT_COUNT_FLUSH_MS: 60_000 })[name],
  }) as unknown as AppConfig;

const receipt = (agreementId: string, day: string, usage = 'ai-train') => ({
  agreementId,
  day,
  workId: W,
  usage,
});

describe('ReceiptCounts', () => {
  it('adds what was counted since the last flush, one row per key, in key order', async () => {
    const db = fakeDatabase(0);
    const counts = new ReceiptCounts(db.dataSource, config());
    counts.count([receipt(B, '2027-06-02'), receipt(A, '2027-06-01'), receipt(B, '2027-06-02')]);
    counts.count([receipt(A, '2027-06-01', 'ai-input'), receipt(A, '2027-06-01')]);
    await counts.flush();
    expect(db.calls).toEqual([
      [
        [A, A, B],
        ['2027-06-01', '2027-06-01', '2027-06-02'],
        [W, W, W],
        ['ai-input', 'ai-train', 'ai-train'],
        [1, 2, 2],
      ],
    ]);
    // Nothing new: nothing sent.
    await counts.flush();
    expect(db.calls).toHaveLength(1);
  });

  it('keeps the counts of a flush that failed and adds them to the next one', async () => {
    const db = fakeDatabase(1);
    const counts = new ReceiptCounts(db.dataSource, config());
    counts.count([receipt(A, '2027-06-01'), receipt(A, '2027-06-01')]);
    await expect(counts.flush()).rejects.toThrow('database down');
    counts.count([receipt(A, '2027-06-01'), receipt(B, '2027-06-01')]);
    await counts.flush();
    expect(db.calls).toEqual([
      [
        [A, B],
        ['2027-06-01', '2027-06-01'],
        [W, W],
        ['ai-train', 'ai-train'],
        [3, 1],
      ],
    ]);
  });

  it('holds at most RECEIPT_COUNT_MAX_KEYS keys: a full map is flushed early, a new key is not counted meanwhile', async () => {
    const db = fakeDatabase(0);
    const counts = new ReceiptCounts(db.dataSource, config(2));
    counts.count([receipt(A, '2027-06-01'), receipt(A, '2027-06-02'), receipt(A, '2027-06-03')]);
    // Known keys still count while the map is full.
    counts.count([receipt(A, '2027-06-01')]);
    await counts.flush();
    expect(db.calls[0]).toEqual([
      [A, A],
      ['2027-06-01', '2027-06-02'],
      [W, W],
      ['ai-train', 'ai-train'],
      [2, 1],
    ]);
  });
});
