import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ReceiptCounts } from './receipt-counts';

const A = '00000000-0000-7000-8000-00000000000a';
const B = '00000000-0000-7000-8000-00000000000b';
const W = '00000000-0000-7000-8000-0000000000ff';

/**
 * The statements a fake database was sent: each flush's rows as the five parameter arrays. The
 * statements numbered in `failing` (1 for the first sent) fail instead.
 */
function fakeDatabase(failing: number[] = []) {
  const calls: unknown[][][] = [];
  let sent = 0;
  const dataSource = {
    query: (_sql: string, params: unknown[][]) => {
      sent += 1;
      if (failing.includes(sent)) return Promise.reject(new Error('database down'));
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
    const db = fakeDatabase();
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
    const db = fakeDatabase([1]);
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
    const db = fakeDatabase();
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

  it('flushes a full map at once, but not twice within a second', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const db = fakeDatabase();
      const counts = new ReceiptCounts(db.dataSource, config(2));
      counts.count([receipt(A, '2027-06-01')]);
      await settled();
      expect(db.calls).toHaveLength(0);
      // Two keys of two: full, flushed without being asked.
      counts.count([receipt(A, '2027-06-02')]);
      await settled();
      expect(db.calls).toHaveLength(1);
      // Full again a second after that flush: not yet; a millisecond later: flushed.
      now.mockReturnValue(1_001_000);
      counts.count([receipt(A, '2027-06-03'), receipt(A, '2027-06-04')]);
      await settled();
      expect(db.calls).toHaveLength(1);
      now.mockReturnValue(1_001_001);
      counts.count([receipt(A, '2027-06-03')]);
      await settled();
      expect(db.calls).toHaveLength(2);
      expect(db.calls[1][1]).toEqual(['2027-06-03', '2027-06-04']);
      expect(db.calls[1][4]).toEqual([2, 1]);
    } finally {
      now.mockRestore();
    }
  });

  it('logs how many receipts found the map full, once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const db = fakeDatabase();
      const counts = new ReceiptCounts(db.dataSource, config(1));
      counts.count([receipt(A, '2027-06-01'), receipt(B, '2027-06-01'), receipt(B, '2027-06-02')]);
      await counts.flush();
      expect(warn.mock.calls).toEqual([
        [{ uncounted: 2 }, 'receipts not counted: the count map was full'],
      ]);
      counts.count([receipt(A, '2027-06-01')]);
      await counts.flush();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(db.calls.map((call) => call[4])).toEqual([[1], [1]]);
    } finally {
      warn.mockRestore();
    }
  });

  it('sends 5,000 rows a statement, and keeps only the rows of a statement that failed', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const db = fakeDatabase([2]);
      const counts = new ReceiptCounts(db.dataSource, config(10_000));
      const usages = Array.from({ length: 5_001 }, (_, i) => `x-u:${String(i).padStart(5, '0')}`);
      counts.count(usages.map((usage) => receipt(A, '2027-06-01', usage)));
      await expect(counts.flush()).rejects.toThrow('database down');
      expect(db.calls.map((call) => call[3].length)).toEqual([5_000]);
      expect(warn.mock.calls).toEqual([
        [{ err: new Error('database down'), kept: 1 }, 'receipt counts not flushed; kept'],
      ]);
      await counts.flush();
      expect(db.calls.map((call) => call[3].length)).toEqual([5_000, 1]);
      expect(db.calls[1][3]).toEqual(['x-u:05000']);
      expect(db.calls[1][4]).toEqual([1]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('ReceiptCounts in the application', () => {
  afterEach(() => jest.useRealTimers());

  it('flushes every RECEIPT_COUNT_FLUSH_MS once started, and a last time when it stops', async () => {
    jest.useFakeTimers();
    const db = fakeDatabase();
    const counts = new ReceiptCounts(db.dataSource, config());
    counts.onApplicationBootstrap();
    counts.count([receipt(A, '2027-06-01')]);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(db.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(db.calls).toHaveLength(1);
    counts.count([receipt(B, '2027-06-01')]);
    await counts.beforeApplicationShutdown();
    expect(db.calls).toHaveLength(2);
    expect(db.calls[1][0]).toEqual([B]);
    // Stopped: nothing more is flushed.
    counts.count([receipt(A, '2027-06-02')]);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(db.calls).toHaveLength(2);
  });
});

/** Lets a flush started without being awaited (an early one) finish. */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
