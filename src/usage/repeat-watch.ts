/**
 * Watches the lineIds of an upload as they stream past, in bounded memory: a Bloom filter says
 * for certain that a lineId is new, or that it may have been seen. The ones that may have been
 * seen are kept as suspects (a few per million lines, plus any true repeats), so the worker
 * checks those alone instead of grouping every line of the report by lineId. Past
 * MAX_SUSPECTS, or once the filter is saturated by more lines than declared, it gives up and
 * the worker checks every line, as it would without it.
 *
 * Hand-written (40 lines) rather than the `bloomfilter` package, which is ESM-only and cannot
 * be required by this CommonJS build.
 */
export class RepeatWatch {
  static readonly MAX_SUSPECTS = 10_000;
  private static readonly HASHES = 8;
  /** The first filter's bits (8 KiB); each next one is 8 times larger, up to the full size. */
  private static readonly FIRST_BITS = 2 ** 16;
  private static readonly GROWTH = 8;
  /** A filter that is not the last takes a line per 32 bits: 8 hashes then fill about 22%. */
  private static readonly BITS_PER_LINE_GROWING = 32;
  private readonly fullBits: number;
  private bits!: Uint32Array;
  private mask = 0;
  /** Lines the current filter takes before the next, larger one replaces it. */
  private room = 0;
  /** Filters outgrown: no longer written, still read (a repeat of an earlier line). */
  private readonly outgrown: { bits: Uint32Array; mask: number }[] = [];
  private readonly suspects = new Set<string>();
  private gaveUp = false;

  /**
   * Sized for the lines that arrive, not for the lines declared (a declaration is the caller's
   * word, 10^12 if it likes): 16 bits per declared line, rounded up to a power of two, between
   * 8 KiB and 32 MiB, is the most it grows to (with 8 hashes, in theory one false suspect in
   * ~2,000 lines at the declared count); it starts at 8 KiB and grows eightfold each time the
   * current filter has taken a line per 32 of its bits, so its memory stays below 32 bytes per
   * line received. The outgrown filters, filled to about 22%, add a false suspect in ~45,000
   * lines at most.
   */
  constructor(expectedLines: number) {
    const wanted = Math.max(RepeatWatch.FIRST_BITS, Math.min(2 ** 28, expectedLines * 16));
    this.fullBits = 2 ** Math.ceil(Math.log2(wanted));
    this.use(RepeatWatch.FIRST_BITS);
  }

  /** Bytes the filters hold now. */
  get bytes(): number {
    return this.outgrown.reduce(
      (sum, filter) => sum + filter.bits.byteLength,
      this.bits.byteLength,
    );
  }

  see(lineId: string): void {
    if (this.gaveUp) return;
    // Two 32-bit hashes in one pass (FNV-1a and a multiply-xor), combined by double hashing.
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let i = 0; i < lineId.length; i++) {
      const c = lineId.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    if (this.mark(a, b)) this.suspect(lineId);
  }

  /** see() for an ASCII lineId given as bytes: the same hashes, so either may see a lineId. */
  seeAscii(bytes: Uint8Array, start: number, end: number): void {
    if (this.gaveUp) return;
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    if (this.mark(a, b)) this.suspect(String.fromCharCode(...bytes.subarray(start, end)));
  }

  private use(size: number): void {
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
    this.room = size < this.fullBits ? size / RepeatWatch.BITS_PER_LINE_GROWING : Infinity;
  }

  /** Sets the lineId's bits; true when all were set already (it may have been seen). */
  private mark(a: number, b: number): boolean {
    if (--this.room < 0) {
      this.outgrown.push({ bits: this.bits, mask: this.mask });
      this.use(Math.min(this.fullBits, (this.mask + 1) * RepeatWatch.GROWTH));
      this.room--;
    }
    b |= 1;
    let seen = true;
    for (let i = 0; i < RepeatWatch.HASHES; i++) {
      const bit = (a + Math.imul(i, b)) & this.mask;
      const word = bit >>> 5;
      const flag = 1 << (bit & 31);
      if ((this.bits[word] & flag) === 0) {
        seen = false;
        this.bits[word] |= flag;
      }
    }
    if (seen) return true;
    for (const filter of this.outgrown) if (RepeatWatch.holds(filter, a, b)) return true;
    return false;
  }

  /** Whether every bit of the lineId is set in an outgrown filter (most lines stop at the first). */
  private static holds(filter: { bits: Uint32Array; mask: number }, a: number, b: number): boolean {
    for (let i = 0; i < RepeatWatch.HASHES; i++) {
      const bit = (a + Math.imul(i, b)) & filter.mask;
      if ((filter.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private suspect(lineId: string): void {
    this.suspects.add(lineId);
    if (this.suspects.size > RepeatWatch.MAX_SUSPECTS) {
      this.gaveUp = true;
      this.suspects.clear();
    }
  }

  /** Takes what another watch (a staging thread's) suspected, in place of its own. */
  adopt(suspects: string[] | null): void {
    this.gaveUp = suspects === null;
    this.suspects.clear();
    for (const lineId of suspects ?? []) this.suspects.add(lineId);
  }

  /** The lineIds that may repeat, or null: every line must be checked. */
  suspected(): string[] | null {
    return this.gaveUp ? null : [...this.suspects];
  }
}
