import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import {
  ADD_REVERSED,
  LOCK_ITEM_OF_TRANSFER,
  RECORD_REVERSAL,
  RECORDED_REVERSALS,
} from './payout-items.queries';
import { moneyOf, reversalEntry } from './payout-ledger';
import { PayoutItemRow } from './payout-run-response';
import { StripeClient } from '../stripe/stripe-client';

/**
 * Transfer reversals, read from Stripe: each reversal of a paid item not yet recorded puts its
 * amount back on the payee's payable balance (Stripe clearing → payable), once per reversal id.
 */
@Injectable()
export class PayoutReversals {
  private readonly logger = new Logger(PayoutReversals.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly stripe: StripeClient,
  ) {}

  async sync(transferId: string): Promise<void> {
    const reversals: Stripe.TransferReversal[] = [];
    for await (const reversal of this.stripe.sdk.transfers.listReversals(transferId, {
      limit: 100,
    }))
      reversals.push(reversal);
    await this.dataSource.transaction(async (manager) => {
      const [item] = await manager.query<PayoutItemRow[]>(LOCK_ITEM_OF_TRANSFER, [transferId]);
      if (!item) {
        this.logger.warn({ transferId }, 'reversal of a transfer no payout item knows');
        return;
      }
      const known = new Set(
        (await manager.query<{ id: string }[]>(RECORDED_REVERSALS, [transferId])).map((r) => r.id),
      );
      let added = 0n;
      for (const reversal of reversals.filter((r) => !known.has(r.id))) {
        const amount = BigInt(reversal.amount);
        const posted = await this.ledger.post(
          manager,
          reversalEntry(moneyOf(item), reversal.id, amount),
        );
        await manager.query(RECORD_REVERSAL, [
          reversal.id,
          transferId,
          item.id,
          amount.toString(),
          item.currency,
          posted.id,
        ]);
        added += amount;
      }
      if (added > 0n) {
        await manager.query(ADD_REVERSED, [item.id, added.toString()]);
      }
    });
  }
}
