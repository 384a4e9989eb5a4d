import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NestedObjects } from '../../common/validation/nested';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { IsCountryCode } from '../../common/validation/iso-codes';
import { REFUSALS } from '../licence-check';
import { RATE_UNITS } from '../offer-vocabulary';

/** The most questions one POST /v1/licence-check may ask. */
export const MAX_LICENCE_QUESTIONS = 1000;

export class LicenceQuestionDto {
  @ApiPropertyOptional({
    example: 'isbn:9780306406157',
    description: 'scheme:value; or give url or sha256',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2100)
  identifier?: string;

  @ApiPropertyOptional({ format: 'uri', example: 'https://example.com/articles/42' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: 'The content hash, 64 hexadecimal digits',
  })
  @IsOptional()
  @IsString()
  @Length(64, 64)
  sha256?: string;

  @ApiProperty({ example: 'ai-train' })
  @IsString()
  @Length(1, 100)
  usage!: string;

  @ApiPropertyOptional({
    example: 'DE',
    description: 'ISO 3166-1 alpha-2 where the use happens; not checked when absent',
  })
  @IsOptional()
  @IsCountryCode()
  territory?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2027-06-01',
    description: 'The day of use (default today, UTC)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'at must be a date, YYYY-MM-DD' })
  at?: string;
}

export class LicenceQuestionsDto {
  @ApiProperty({ type: [LicenceQuestionDto], description: 'Up to 1000 questions' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LICENCE_QUESTIONS)
  @NestedObjects(() => LicenceQuestionDto)
  questions!: LicenceQuestionDto[];
}

export class LicenceRateResponse {
  @ApiProperty({ enum: RATE_UNITS, example: 'token' })
  unit!: string;

  @ApiProperty({ type: 'integer', example: 1000 })
  per!: number;

  @ApiProperty({ example: '0.0125', description: 'Minor units of currency per `per` units' })
  rate!: string;

  @ApiProperty({ example: 'EUR' })
  currency!: string;
}

export class LicenceReceiptResponse {
  @ApiProperty({
    example: 'rcpt_AVH4q2tTbW1x0p3kVQ8aZk2cYhD3dXlT8w',
    description:
      'The receipt id: cite it as `receiptId` on the usage lines of this use (docs/LICENSING.md)',
  })
  id!: string;

  @ApiProperty({
    example:
      'eyJhbGciOiJFZERTQSIsInR5cCI6ImxpY2VuY2UtcmVjZWlwdCtqd3QiLCJraWQiOiJrUHJLIn0.eyJqdGkiOiJyY3B0X0FWSDQifQ.c2lnbmF0dXJl',
    description:
      'The signed receipt (JWS compact, EdDSA/Ed25519): present it to the publisher, who verifies it offline with /.well-known/jwks.json',
  })
  token!: string;

  @ApiProperty({ format: 'date-time', example: '2027-06-01T00:00:00.000Z' })
  validFrom!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2027-06-02T00:00:00.000Z',
    description: "The end of the day of use (never past the agreement's last day)",
  })
  validUntil!: string;
}

export class LicenceAnswerResponse {
  @ApiProperty({ example: 'isbn:9780306406157', description: 'The identifier as normalized' })
  identifier!: string;

  @ApiProperty({ example: 'ai-train' })
  usage!: string;

  @ApiProperty()
  licensed!: boolean;

  @ApiPropertyOptional({ enum: REFUSALS, description: 'Why not, when not licensed' })
  reason?: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  workId!: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  agreementId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 1,
    description:
      'The version of the agreement in force that day (1: as accepted; each amendment the next)',
  })
  agreementVersion?: number;

  @ApiPropertyOptional({ type: LicenceRateResponse, nullable: true })
  rate?: LicenceRateResponse | null;

  @ApiPropertyOptional()
  attributionRequired?: boolean;

  @ApiPropertyOptional({
    type: LicenceReceiptResponse,
    nullable: true,
    description:
      'When licensed: the signed receipt of this answer (null for a day more than RECEIPT_KEY_VERIFY_DAYS ahead: a receipt never outlives its key). Absent when not licensed.',
  })
  receipt?: LicenceReceiptResponse | null;
}

export class LicenceAnswersResponse {
  @ApiProperty({ type: [LicenceAnswerResponse], description: 'In the order of the questions' })
  answers!: LicenceAnswerResponse[];
}
