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
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private readonly suspects = new Set<string>();
  private gaveUp = false;

  /**
   * 16 bits per expected line, rounded up to a power of two, between 8 KiB and 32 MiB: with 8
   * hashes, in theory one false suspect in ~2,000 lines at the expected count.
   */
  constructor(expectedLines: number) {
    const wanted = Math.max(2 ** 16, Math.min(2 ** 28, expectedLines * 16));
    const size = 2 ** Math.ceil(Math.log2(wanted));
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
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

  /** Sets the lineId's bits; true when all were set already (it may have been seen). */
  private mark(a: number, b: number): boolean {
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
    return seen;
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
