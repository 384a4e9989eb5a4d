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
    await this.settler.idle();
  }
}
