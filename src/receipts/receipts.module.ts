import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { JwksController } from './jwks.controller';
import { LicenceReceiptKeys } from './licence-receipt-keys';
import { LicenceReceiptKeysController } from './licence-receipt-keys.controller';
import { LicenceReceipts } from './licence-receipts';
import { LicenceReceiptsController } from './licence-receipts.controller';
import { ReceiptTrail } from './receipt-trail';
import { ReceiptCounts } from './receipt-counts';

/** Licence receipts: signed evidence of licensed answers, their keys and their ids. */
@Module({
  imports: [OrganizationsModule],
  controllers: [JwksController, LicenceReceiptKeysController, LicenceReceiptsController],
  providers: [LicenceReceiptKeys, LicenceReceipts, ReceiptCounts, ReceiptTrail],
  exports: [LicenceReceipts, LicenceReceiptKeys, ReceiptCounts],
})
export class ReceiptsModule {}
