import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const FINDING_KINDS = [
  'checked-not-reported',
  'report-missing',
  'report-late',
  'volume-drop',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export class ComplianceQuery {
  @ApiProperty({ example: '2027-06', description: 'The period (a calendar month), YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be a month, YYYY-MM' })
  period!: string;

  @ApiPropertyOptional({ enum: FINDING_KINDS, description: 'One kind of finding only' })
  @IsOptional()
  @IsIn(FINDING_KINDS)
  kind?: FindingKind;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'At most this many findings of each kind (most significant first)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class FindingEvidence {
  @ApiPropertyOptional({ format: 'uuid', description: 'checked-not-reported: the work' })
  workId?: string;

  @ApiPropertyOptional({ example: 'ai-train', description: 'checked-not-reported: the usage' })
  usage?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 412000,
    description: 'checked-not-reported: receipts given in the period',
  })
  receipts?: number;

  @ApiPropertyOptional({ type: 'integer', example: 30, description: 'Days with a receipt' })
  daysChecked?: number;

  @ApiPropertyOptional({ format: 'date' })
  firstDay?: string;

  @ApiPropertyOptional({ format: 'date' })
  lastDay?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 0,
    description:
      'checked-not-reported: matched lines of that work and usage in the period’s counting reports',
  })
  reportedLines?: number;

  @ApiPropertyOptional({ format: 'date', description: 'report-missing, report-late: the due day' })
  dueOn?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'report-missing: days since the due day' })
  daysOverdue?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'report-late: when the first report of the period was accepted',
  })
  acceptedAt?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'report-late: that report' })
  reportId?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'report-late: days after the due day' })
  daysLate?: number;

  @ApiPropertyOptional({ example: 'token', description: 'volume-drop: the unit counted' })
  unit?: string;

  @ApiPropertyOptional({
    example: '400000',
    description: 'volume-drop: matched units in the period',
  })
  units?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['1200000', '1000000', '800000'],
    description: 'volume-drop: matched units in each of the three periods before, latest first',
  })
  trailingUnits?: string[];

  @ApiPropertyOptional({ example: '1000000' })
  trailingMean?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 6000,
    description: 'volume-drop: the fall, in basis points of the mean',
  })
  dropBps?: number;

  @ApiPropertyOptional({
    type: 'integer',
    example: 5000,
    description: 'volume-drop: COMPLIANCE_VOLUME_DROP_BPS',
  })
  thresholdBps?: number;
}

export class FindingResponse {
  @ApiProperty({ enum: FINDING_KINDS })
  kind!: FindingKind;

  @ApiProperty({ format: 'uuid' })
  agreementId!: string;

  @ApiProperty({ format: 'uuid' })
  licenseeId!: string;

  @ApiProperty({ format: 'uuid' })
  publisherId!: string;

  @ApiProperty({ type: FindingEvidence, description: 'The figures the finding rests on' })
  evidence!: FindingEvidence;
}

export class ComplianceResponse {
  @ApiProperty({ example: '2027-06' })
  period!: string;

  @ApiProperty({ type: [FindingResponse] })
  findings!: FindingResponse[];

  @ApiProperty({ description: 'Some kind had more findings than `limit`: the rest are not shown' })
  truncated!: boolean;
}
