import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { NestedObjects } from '../../common/validation/nested';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { IDENTIFIER_SCHEMES } from '../identifiers/identifier';
import {
  EXTERNAL_ID_MAX,
  IDENTIFIERS_MAX,
  LANGUAGE_TAG,
  SPLITS_MAX,
  TITLE_MAX,
  WORK_KINDS,
  WORK_STATUSES,
  type WorkKind,
  type WorkStatus,
} from '../work-rules';

export class IdentifierDto {
  @ApiProperty({ enum: IDENTIFIER_SCHEMES, example: 'isbn' })
  @IsString()
  scheme!: string;

  @ApiProperty({
    example: '978-0-306-40615-7',
    description: 'Validated and normalized (see docs/IDENTIFIERS.md)',
  })
  @IsString()
  @Length(1, 2048)
  value!: string;
}

export class SplitDto {
  @ApiProperty({ format: 'uuid', description: "One of the publisher's payees" })
  @IsUUID()
  payeeId!: string;

  @ApiProperty({
    type: 'integer',
    example: 10000,
    description: 'Basis points; a work’s shares sum to exactly 10000',
  })
  @IsInt()
  @Min(1)
  @Max(10000)
  shareBps!: number;
}

const IsCalendarDate = () => IsISO8601({ strict: true, strictSeparator: true });
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export class CreateWorkDto {
  @ApiProperty({
    example: 'NWP-000123',
    description: "The publisher's own id, unique per publisher",
  })
  @IsString()
  @Length(1, EXTERNAL_ID_MAX)
  @IsNotBlank()
  externalId!: string;

  @ApiProperty({ example: 'The Analytical Engine' })
  @IsString()
  @Length(1, TITLE_MAX)
  @IsNotBlank()
  title!: string;

  @ApiProperty({ enum: WORK_KINDS, example: 'book' })
  @IsIn(WORK_KINDS)
  kind!: WorkKind;

  @ApiPropertyOptional({
    type: [IdentifierDto],
    example: [
      { scheme: 'isbn', value: '978-0-306-40615-7' },
      { scheme: 'doi', value: '10.1000/182' },
    ],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(IDENTIFIERS_MAX)
  @NestedObjects(() => IdentifierDto)
  identifiers?: IdentifierDto[];

  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 language tag' })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as en or pt-BR' })
  language?: string;

  @ApiPropertyOptional({ format: 'date', example: '1843-09-01', description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'publishedAt must be a date, YYYY-MM-DD' })
  @IsCalendarDate()
  publishedAt?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { series: 'Notes' },
    description: 'Free JSON object, at most 16 KiB',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [SplitDto],
    description: "Defaults to 100% to the publisher's default payee",
    example: [{ payeeId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', shareBps: 10000 }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SPLITS_MAX)
  @NestedObjects(() => SplitDto)
  splits?: SplitDto[];
}

export class UpdateWorkDto {
  @ApiPropertyOptional({ example: 'NWP-000123' })
  @IsOptional()
  @IsString()
  @Length(1, EXTERNAL_ID_MAX)
  @IsNotBlank()
  externalId?: string;

  @ApiPropertyOptional({ example: 'The Analytical Engine (2nd ed.)' })
  @IsOptional()
  @IsString()
  @Length(1, TITLE_MAX)
  @IsNotBlank()
  title?: string;

  @ApiPropertyOptional({ enum: WORK_KINDS })
  @IsOptional()
  @IsIn(WORK_KINDS)
  kind?: WorkKind;

  @ApiPropertyOptional({ type: [IdentifierDto], description: 'Replaces the whole set' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(IDENTIFIERS_MAX)
  @NestedObjects(() => IdentifierDto)
  identifiers?: IdentifierDto[];

  @ApiPropertyOptional({ type: String, example: 'en', nullable: true })
  @ValidateIf((_o, value) => value !== null)
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as en or pt-BR' })
  language?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', example: '1843-09-01', nullable: true })
  @ValidateIf((_o, value) => value !== null)
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'publishedAt must be a date, YYYY-MM-DD' })
  @IsCalendarDate()
  publishedAt?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { series: 'Notes' },
    description: 'Replaces the whole object',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [SplitDto],
    description: 'A new split version; earlier ones are kept',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SPLITS_MAX)
  @NestedObjects(() => SplitDto)
  splits?: SplitDto[];

  @ApiPropertyOptional({
    format: 'date',
    example: '2027-01-01',
    description:
      'When the new splits take effect (YYYY-MM-DD, default today, UTC); only with splits',
  })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'splitsEffectiveFrom must be a date, YYYY-MM-DD' })
  @IsCalendarDate()
  splitsEffectiveFrom?: string;
}

export class ListWorksQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'isbn:9780306406157',
    description: 'Any accepted form; normalized first',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2100)
  identifier?: string;

  @ApiPropertyOptional({ enum: WORK_STATUSES })
  @IsOptional()
  @IsIn(WORK_STATUSES)
  status?: WorkStatus;

  @ApiPropertyOptional({
    example: 'NWP-000123',
    description: 'Exactly this externalId (case-sensitive): at most one work',
  })
  @IsOptional()
  @IsString()
  @Length(1, EXTERNAL_ID_MAX)
  externalId?: string;

  @ApiPropertyOptional({
    example: 'engine',
    description: 'Case-insensitive text in the title, or exactly the externalId',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'Only works with (true) or without (false) an identifier another publisher also claims',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  conflict?: 'true' | 'false';
}

export class WorkIdentifierResponse {
  @ApiProperty({ enum: IDENTIFIER_SCHEMES, example: 'isbn' })
  scheme!: string;

  @ApiProperty({ example: '9780306406157' })
  value!: string;
}

export class SplitResponse {
  @ApiProperty({ format: 'uuid' })
  payeeId!: string;

  @ApiProperty({ type: 'integer', example: 10000 })
  shareBps!: number;
}

export class WorkResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'NWP-000123' })
  externalId!: string;

  @ApiProperty({ example: 'The Analytical Engine' })
  title!: string;

  @ApiProperty({ enum: WORK_KINDS, example: 'book' })
  kind!: WorkKind;

  @ApiProperty({ type: [WorkIdentifierResponse] })
  identifiers!: WorkIdentifierResponse[];

  @ApiProperty({ type: String, nullable: true, example: 'en' })
  language!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '1843-09-01' })
  publishedAt!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  metadata!: Record<string, unknown>;

  @ApiProperty({ type: [SplitResponse], description: 'The split set in force now' })
  splits!: SplitResponse[];

  @ApiProperty({ type: 'integer', example: 1 })
  splitVersion!: number;

  @ApiProperty({ enum: WORK_STATUSES, example: 'active' })
  status!: WorkStatus;

  @ApiProperty({ type: 'integer', example: 1, description: 'Send as If-Match to change the work' })
  version!: number;

  @ApiProperty({
    description: 'Another publisher claims one of its identifiers: money for it is held',
  })
  conflict!: boolean;

  @ApiProperty({ type: [String], example: [], description: 'scheme:value' })
  conflictingIdentifiers!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  withdrawnAt!: string | null;
}

/** A work as one of its versions was: a work without its conflicts (they depend on others). */
export class WorkSnapshotResponse extends OmitType(WorkResponse, [
  'conflict',
  'conflictingIdentifiers',
] as const) {}

export class WorkVersionResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  validFrom!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null for the current version',
  })
  validTo!: string | null;

  @ApiProperty({ description: 'The work as it was', type: () => WorkSnapshotResponse })
  work!: WorkSnapshotResponse;
}

export class SplitVersionResponse {
  @ApiProperty({ type: 'integer', example: 2 })
  splitVersion!: number;

  @ApiProperty({
    format: 'date',
    example: '2027-01-01',
    description: '0001-01-01 for the first version: it applies to all time before the next',
  })
  effectiveFrom!: string;

  @ApiProperty({ type: [SplitResponse] })
  splits!: SplitResponse[];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  recordedAt!: string;
}

export class WorkVersionsResponse {
  @ApiProperty({
    type: [WorkVersionResponse],
    description: 'Oldest first; the last page ends with the current version',
  })
  data!: WorkVersionResponse[];

  @ApiProperty({ type: String, nullable: true, example: null })
  nextCursor!: string | null;
}

export class SplitVersionsResponse {
  @ApiProperty({ type: [SplitVersionResponse], description: 'Every split version, oldest first' })
  data!: SplitVersionResponse[];
}
