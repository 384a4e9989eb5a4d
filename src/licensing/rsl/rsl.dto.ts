import { ApiProperty } from '@nestjs/swagger';
import { LicenceOfferTermsDto } from '../dto/licence-offer.dto';

export class RslImportWarning {
  @ApiProperty({ type: 'integer', example: 0, description: 'Index into offers' })
  offer!: number;

  @ApiProperty({ example: 'early-draft usage "train-ai" read as "ai-train"' })
  message!: string;
}

export class RslImportResponse {
  @ApiProperty({
    type: [LicenceOfferTermsDto],
    description:
      'One set of offer terms per distinct <license>, ready to review and POST to /v1/licence-offers. Nothing is stored.',
  })
  offers!: LicenceOfferTermsDto[];

  @ApiProperty({ type: [RslImportWarning] })
  warnings!: RslImportWarning[];
}
