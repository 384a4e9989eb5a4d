import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { LicenceOfferTermsDto } from './licence-offer.dto';

export class CreateAmendmentDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2027-07-01',
    description:
      'First day the amended terms apply (YYYY-MM-DD, default today, UTC): not in the past, ' +
      'inside the agreement, after every earlier version',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveOn must be a date, YYYY-MM-DD' })
  effectiveOn?: string;
}

export const AGREEMENT_VERSION_STATES = ['proposed', 'accepted'] as const;

export class AgreementVersionResponse {
  @ApiProperty({ format: 'uuid' })
  agreementId!: string;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: '1: the terms the agreement was made on',
  })
  version!: number;

  @ApiProperty({ enum: AGREEMENT_VERSION_STATES })
  status!: (typeof AGREEMENT_VERSION_STATES)[number];

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    example: '2027-07-01',
    description: 'First day in force (version 1: the start; null while the agreement is proposed)',
  })
  effectiveOn!: string | null;

  @ApiProperty({ format: 'uuid' })
  offerId!: string;

  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'The offer version these terms were taken from',
  })
  offerVersion!: number;

  @ApiProperty({ type: LicenceOfferTermsDto })
  terms!: LicenceOfferTermsDto;

  @ApiProperty({ description: 'SHA-256 of the terms snapshot' })
  termsHash!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When an amendment was accepted (version 1: see the audit events)',
  })
  acceptedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class AgreementVersionsResponse {
  @ApiProperty({ type: [AgreementVersionResponse], description: 'Oldest first' })
  data!: AgreementVersionResponse[];
}
