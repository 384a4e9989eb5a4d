import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ReceiptsModule } from '../receipts/receipts.module';
import { AgreementAmendmentService } from './agreement-amendment.service';
import { AgreementAmendmentsController } from './agreement-amendments.controller';
import { AgreementService } from './agreement.service';
import { AgreementsController } from './agreements.controller';
import { LicenceCheckController } from './licence-check.controller';
import { LicenceCheckService } from './licence-check.service';
import { LicenceOffer } from './licence-offer.entity';
import { LicenceOfferService } from './licence-offer.service';
import { LicenceOffersController } from './licence-offers.controller';
import { IdentifiedWorks } from './identified-works';
import { LicenseeAgreements } from './licensee-agreements';
import { RslController } from './rsl/rsl.controller';
import { RslService } from './rsl/rsl.service';

@Module({
  imports: [TypeOrmModule.forFeature([LicenceOffer]), OrganizationsModule, ReceiptsModule],
  controllers: [
    LicenceOffersController,
    AgreementsController,
    AgreementAmendmentsController,
    LicenceCheckController,
    RslController,
  ],
  providers: [
    LicenceOfferService,
    AgreementService,
    AgreementAmendmentService,
    LicenceCheckService,
    LicenseeAgreements,
    IdentifiedWorks,
    RslService,
  ],
  exports: [LicenceOfferService, AgreementService, LicenseeAgreements],
})
export class LicensingModule {}
