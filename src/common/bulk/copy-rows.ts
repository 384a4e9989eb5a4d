/**
 * COPY text written as bytes: rows are appended to a buffer that is handed on whole once it
 * holds enough, so a bulk upload builds no string per row.
 */
export class CopyRows {
  /** Written bytes are buf[0, pos); writers append at pos after calling room(). */
  buf: Buffer;
  pos = 0;

  constructor(private readonly size = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for n more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Appends text (a row or rows built as a string), UTF-8. */
  text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
  }

  /** What is written, once it is at least `min` bytes (then the writer starts a new buffer). */
  take(min: number): Buffer | null {
    if (this.pos === 0 || this.pos < min) return null;
    const written = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
    return written;
  }
}
