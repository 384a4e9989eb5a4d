import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AgreementService } from './agreement.service';
import { AgreementsController } from './agreements.controller';
import { LicenceOffer } from './licence-offer.entity';
import { LicenceOfferService } from './licence-offer.service';
import { LicenceOffersController } from './licence-offers.controller';

@Module({
  imports: [TypeOrmModule.forFeature([LicenceOffer]), OrganizationsModule],
  controllers: [LicenceOffersController, AgreementsController],
  providers: [LicenceOfferService, AgreementService],
  exports: [LicenceOfferService, AgreementService],
})
export class LicensingModule {}
