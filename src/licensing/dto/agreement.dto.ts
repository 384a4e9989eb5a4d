import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { LicenceOfferTermsDto } from './licence-offer.dto';

export class CreateAgreementDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An active licence offer; its current version is taken',
  })
  @IsUUID()
  offerId!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Publishers only: propose the offer to this licensee, who then accepts it',
  })
  @IsOptional()
  @IsUUID()
  licenseeId?: string;
}

export class TerminateAgreementDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2027-06-30',
    description:
      'Last day of use in scope (YYYY-MM-DD, default today, UTC); usage after it is out of scope',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveOn must be a date, YYYY-MM-DD' })
  effectiveOn?: string;
}

export class ListAgreementsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['proposed', 'active', 'terminated', 'expired'] })
  @IsOptional()
  @IsIn(['proposed', 'active', 'terminated', 'expired'])
  status?: 'proposed' | 'active' | 'terminated' | 'expired';
}

export const AGREEMENT_STATES = ['proposed', 'active', 'terminated', 'expired'] as const;

export class AgreementResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: AGREEMENT_STATES, description: 'expired: active, and the term has ended' })
  status!: (typeof AGREEMENT_STATES)[number];

  @ApiProperty({ format: 'uuid' })
  licenseeId!: string;

  @ApiProperty({ example: 'Acme AI' })
  licenseeName!: string;

  @ApiProperty({ format: 'uuid' })
  publisherId!: string;

  @ApiProperty({ example: 'Northwind Press' })
  publisherName!: string;

  @ApiProperty({ format: 'uuid' })
  offerId!: string;

  @ApiProperty({ type: 'integer', example: 2, description: 'The offer version accepted' })
  offerVersion!: number;

  @ApiProperty({ type: LicenceOfferTermsDto, description: 'The terms as accepted; never changed' })
  terms!: LicenceOfferTermsDto;

  @ApiProperty({ description: 'SHA-256 of the terms snapshot' })
  termsHash!: string;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    example: '2027-01-01',
    description: 'Null while proposed',
  })
  startsOn!: string | null;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    example: '2027-12-31',
    description: 'Inclusive; null: open-ended',
  })
  endsOn!: string | null;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'Last day in scope after termination',
  })
  terminatedOn!: string | null;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description:
      'The latest accepted version of the terms: 1 as made, then each accepted amendment (which may take effect later: see /versions)',
  })
  latestVersion!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 2,
    description: "The version of the publisher's proposed amendment awaiting the licensee, if any",
  })
  pendingAmendment!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
