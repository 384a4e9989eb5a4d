import { Logger } from '@nestjs/common';
import { RecoverySweeper, requeueEach } from './recovery-sweeper';

class TestRecovery extends RecoverySweeper {
  readonly calls: boolean[] = [];
  failWith?: Error;

  constructor() {
    super({ everyMs: 60_000, failure: 'test recovery sweep failed' });
  }

  protected recover(atStart: boolean): Promise<void> {
    this.calls.push(atStart);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve();
  }
}

describe('a recovery sweeper', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('sweeps at start, then every interval, until shut down', async () => {
    const recovery = new TestRecovery();
    recovery.onApplicationBootstrap();
    expect(recovery.calls).toEqual([true]);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(recovery.calls).toEqual([true, false, false]);
    recovery.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(recovery.calls).toEqual([true, false, false]);
  });

  it('logs a failed sweep under its class name and carries on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const recovery = new TestRecovery();
    const error = new Error('database down');
    recovery.failWith = error;
    await recovery.sweep();
    expect(warn).toHaveBeenCalledWith({ err: error }, 'test recovery sweep failed');
    expect(warn.mock.contexts[0]).toMatchObject({ context: 'TestRecovery' });
  });
});

describe('requeueEach', () => {
  it('queues every unfinished id, one after the other, in the order listed', async () => {
    const queued: string[] = [];
    await requeueEach(
      () => Promise.resolve(['b', 'a', 'c']),
      (id) => {
        queued.push(id);
        return Promise.resolve();
      },
    );
    expect(queued).toEqual(['b', 'a', 'c']);
  });
});
