/**
 * Writes that wait for one writer at a time (the ledger's chain lock) grouped: what callers hand
 * in while a write is running is written together by the next one, in one transaction, so the
 * lock is taken once per group instead of once per caller. A group that fails is written again
 * caller by caller, so one caller's bad item fails only that caller.
 */
export class GroupCommit<T> {
  private waiting: { items: T[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  /** `write` writes items in one transaction; a group holds at most `maxItems` (but one caller's whole). */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems: number,
  ) {}

  /** Resolves once the items are written (committed) with their group. */
  add(items: T[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        let size = 0;
        let count = 0;
        while (
          count < this.waiting.length &&
          (count === 0 || size + this.waiting[count].items.length <= this.maxItems)
        ) {
          size += this.waiting[count].items.length;
          count += 1;
        }
        const group = this.waiting.splice(0, count);
        try {
          await this.write(group.flatMap((caller) => caller.items));
          for (const caller of group) caller.resolve();
        } catch (error) {
          if (group.length === 1) group[0].reject(error);
          else for (const caller of group) await this.alone(caller);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async alone(caller: (typeof this.waiting)[number]): Promise<void> {
    try {
      await this.write(caller.items);
      caller.resolve();
    } catch (error) {
      caller.reject(error);
    }
  }
}
