import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AgreementService } from './agreement.service';
import { AgreementsController } from './agreements.controller';
import { LicenceCheckController } from './licence-check.controller';
import { LicenceCheckService } from './licence-check.service';
import { LicenceOffer } from './licence-offer.entity';
import { LicenceOfferService } from './licence-offer.service';
import { LicenceOffersController } from './licence-offers.controller';
import { RslController } from './rsl/rsl.controller';
import { RslService } from './rsl/rsl.service';

@Module({
  imports: [TypeOrmModule.forFeature([LicenceOffer]), OrganizationsModule],
  controllers: [
    LicenceOffersController,
    AgreementsController,
    LicenceCheckController,
    RslController,
  ],
  providers: [LicenceOfferService, AgreementService, LicenceCheckService, RslService],
  exports: [LicenceOfferService, AgreementService],
})
export class LicensingModule {}
