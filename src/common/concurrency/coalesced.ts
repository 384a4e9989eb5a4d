/**
 * An action many callers ask for where one run serves everyone who asked before it started (for
 * example "make sure a drain job is queued"): callers arriving while a run is under way share the
 * one run after it, so a stream of requests costs one run at a time instead of one per request.
 * Each caller's promise settles with the first run that started after it asked.
 */
export class Coalesced {
  /** The run that has not started yet: callers arriving now join it. */
  private pending: Promise<void> | null = null;
  /** The run under way. */
  private current: Promise<void> | null = null;

  constructor(private readonly action: () => Promise<void>) {}

  request(): Promise<void> {
    if (!this.pending) {
      const previous = this.current;
      this.pending = (async () => {
        await previous?.catch(() => undefined);
        this.pending = null;
        const run = this.action();
        this.current = run;
        try {
          await run;
        } finally {
          if (this.current === run) this.current = null;
        }
      })();
    }
    return this.pending;
  }
}
