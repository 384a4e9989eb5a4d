import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NestedObject, NestedObjects } from '../../common/validation/nested';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { isCountryCode, IsCurrencyCode } from '../../common/validation/iso-codes';
import { IDENTIFIER_SCHEMES } from '../../catalogue/identifiers/identifier';
import { WORK_KINDS } from '../../catalogue/work-rules';
import { DECIMAL_RATE, PERIODS, RATE_UNITS, TERRITORY_ALL, USER_TYPES } from '../offer-vocabulary';
import { isUsageToken, RSL_USAGES } from '../usage-types';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function eachIs(name: string, test: (value: unknown) => boolean, message: string) {
  return () => (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message, each: true },
      validator: { validate: test },
    });
}

const IsUsageToken = eachIs(
  'isUsageToken',
  isUsageToken,
  `each value in $property must be an RSL usage (${RSL_USAGES.join(', ')}) or an extension token like x-acme:finetune`,
);
const IsTerritory = eachIs(
  'isTerritory',
  (value) => value === TERRITORY_ALL || value === 'EU' || isCountryCode(value),
  `each value in $property must be ${TERRITORY_ALL}, EU or an ISO 3166-1 alpha-2 code`,
);

export class OfferScopeDto {
  @ApiProperty({ enum: ['all', 'works', 'filter'], example: 'all' })
  @IsIn(['all', 'works', 'filter'])
  type!: 'all' | 'works' | 'filter';

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'For type works' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  workIds?: string[];

  @ApiPropertyOptional({ enum: WORK_KINDS, isArray: true, description: 'For type filter' })
  @IsOptional()
  @IsArray()
  @IsIn(WORK_KINDS, { each: true })
  kinds?: string[];

  @ApiPropertyOptional({
    enum: IDENTIFIER_SCHEMES,
    isArray: true,
    description: 'For type filter: works with an identifier of these schemes',
  })
  @IsOptional()
  @IsArray()
  @IsIn(IDENTIFIER_SCHEMES, { each: true })
  identifierSchemes?: string[];
}

export class OfferTermDto {
  @ApiPropertyOptional({ format: 'date', example: '2027-01-01' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'start must be a date, YYYY-MM-DD' })
  start?: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-12-31', description: 'Inclusive' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'end must be a date, YYYY-MM-DD' })
  end?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 12,
    description: 'Instead of start/end: months from acceptance',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1200)
  durationMonths?: number;
}

export class RateDto {
  @ApiProperty({ example: 'ai-train' })
  @IsString()
  usage!: string;

  @ApiProperty({ enum: RATE_UNITS, example: 'token' })
  @IsIn(RATE_UNITS)
  unit!: (typeof RATE_UNITS)[number];

  @ApiProperty({ type: 'integer', example: 1000, description: 'The rate is for this many units' })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000_000)
  per!: number;

  @ApiProperty({
    example: '0.0125',
    description: 'Decimal string in minor units per `per` units, ≤ 12 fractional digits',
  })
  @IsString()
  @Matches(DECIMAL_RATE, {
    message: 'rate must be a non-negative decimal string with at most 12 fractional digits',
  })
  rate!: string;
}

export class PeriodAmountDto {
  @ApiProperty({ type: 'integer', example: 500000, description: 'Minor units' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ enum: PERIODS, example: 'month' })
  @IsIn(PERIODS)
  period!: (typeof PERIODS)[number];
}

export class AmountDto {
  @ApiProperty({ type: 'integer', example: 1000000, description: 'Minor units' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}

export class PricingDto {
  @ApiPropertyOptional({ type: [RateDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @NestedObjects(() => RateDto)
  rates?: RateDto[];

  @ApiPropertyOptional({ type: PeriodAmountDto })
  @IsOptional()
  @NestedObject(() => PeriodAmountDto)
  flatFee?: PeriodAmountDto;

  @ApiPropertyOptional({
    type: 'integer',
    example: 1500,
    description: 'Basis points of the revenue the licensee reports',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  revenueShareBps?: number;

  @ApiPropertyOptional({ type: PeriodAmountDto })
  @IsOptional()
  @NestedObject(() => PeriodAmountDto)
  minimumGuarantee?: PeriodAmountDto;

  @ApiPropertyOptional({ type: AmountDto, description: 'Recoupable advance' })
  @IsOptional()
  @NestedObject(() => AmountDto)
  advance?: AmountDto;
}

export class LicenceOfferTermsDto {
  @ApiProperty({ example: 'AI training licence, 2027' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  title!: string;

  @ApiProperty({ type: OfferScopeDto, example: { type: 'all' } })
  @IsDefined()
  @NestedObject(() => OfferScopeDto)
  scope!: OfferScopeDto;

  @ApiProperty({ example: ['ai-train', 'ai-input'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUsageToken()
  usages!: string[];

  @ApiPropertyOptional({
    example: ['ai-index'],
    description: 'A prohibition always wins over a permission',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUsageToken()
  prohibits?: string[];

  @ApiProperty({ example: ['worldwide'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(300)
  @IsTerritory()
  territories!: string[];

  @ApiPropertyOptional({ enum: USER_TYPES, isArray: true, example: ['commercial'] })
  @IsOptional()
  @IsArray()
  @IsIn(USER_TYPES, { each: true })
  userTypes?: string[];

  @ApiProperty({ type: OfferTermDto, example: { start: '2027-01-01', end: '2027-12-31' } })
  @IsDefined()
  @NestedObject(() => OfferTermDto)
  term!: OfferTermDto;

  @ApiProperty({ example: 'EUR' })
  @IsCurrencyCode()
  currency!: string;

  @ApiProperty({
    type: PricingDto,
    example: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
  })
  @IsDefined()
  @NestedObject(() => PricingDto)
  pricing!: PricingDto;

  @ApiPropertyOptional({ example: true, default: false })
  @IsOptional()
  @IsBoolean()
  attributionRequired?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 28,
    example: 15,
    description:
      'The day of the month after each period by which its usage report is due (GET /v1/compliance); 15 when absent',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(28)
  reportDueDay?: number;
}

export class ListLicenceOffersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['active', 'retired'] })
  @IsOptional()
  @IsIn(['active', 'retired'])
  status?: 'active' | 'retired';

  @ApiPropertyOptional({ format: 'uuid', description: "One publisher's offers" })
  @IsOptional()
  @IsUUID()
  publisherId?: string;
}

export class LicenceOfferResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  publisherId!: string;

  @ApiProperty({ example: 'Northwind Press' })
  publisherName!: string;

  @ApiProperty({ enum: ['active', 'retired'] })
  status!: string;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Editing creates a new version; send it as If-Match',
  })
  version!: number;

  @ApiProperty({ type: LicenceOfferTermsDto })
  terms!: LicenceOfferTermsDto;

  @ApiProperty({
    example: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
    description: 'SHA-256 of the canonical terms',
  })
  termsHash!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retiredAt!: string | null;
}

export class LicenceOfferVersionResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  version!: number;

  @ApiProperty({ type: LicenceOfferTermsDto })
  terms!: LicenceOfferTermsDto;

  @ApiProperty()
  termsHash!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class LicenceOfferVersionsResponse {
  @ApiProperty({ type: [LicenceOfferVersionResponse] })
  data!: LicenceOfferVersionResponse[];
}
