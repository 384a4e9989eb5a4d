import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PayoutSettler } from './payout-settler';

const EVERY_MS = 250;

/** Where workers run: settlement rounds on every payment and at least every 250 ms. */
@Injectable()
export class PayoutSettlerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(private readonly settler: PayoutSettler) {}

  onApplicationBootstrap(): void {
    this.settler.enable();
    this.settler.nudge();
    this.timer = setInterval(() => this.settler.nudge(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.settler.disable();
    // A round in flight commits or rolls back on its own; it is waited for, but not forever.
    await Promise.race([
      this.settler.idle(),
      new Promise((resolve) => setTimeout(resolve, 4000).unref()),
    ]);
  }
}
