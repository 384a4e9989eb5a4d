import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';

export class StartCatalogueImportQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2027-01-01',
    description: 'When split changes in this file take effect (YYYY-MM-DD; default today, UTC)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'splitsEffectiveFrom must be a date, YYYY-MM-DD' })
  splitsEffectiveFrom?: string;
}

export class ListImportErrorsQuery extends PageQuery {}

export const IMPORT_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export class ListCatalogueImportsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: IMPORT_STATUSES, example: 'completed' })
  @IsOptional()
  @IsIn(IMPORT_STATUSES)
  status?: ImportStatus;
}

export class CatalogueImportLimitsResponse {
  @ApiProperty({
    type: 'integer',
    example: 4294967296,
    description:
      'The largest catalogue file accepted, in bytes (IMPORT_MAX_BYTES); larger is a 413',
  })
  maxBytes!: number;

  @ApiProperty({
    type: 'integer',
    example: 274877906944,
    description:
      'Bytes an organization may upload in any 24 hours, usage reports and imports together (UPLOAD_QUOTA_BYTES_PER_DAY)',
  })
  quotaBytesPerDay!: number;
}

export class CatalogueImportResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['ndjson', 'csv'], example: 'ndjson' })
  format!: string;

  @ApiProperty({ enum: IMPORT_STATUSES, example: 'processing' })
  status!: string;

  @ApiProperty({ format: 'date', example: '2027-01-01' })
  splitsEffectiveFrom!: string;

  @ApiProperty({
    type: 'integer',
    example: 1000000,
    description: 'Lines received (blank lines included)',
  })
  linesRead!: number;

  @ApiProperty({
    type: 'integer',
    example: 400000,
    description: 'Lines the worker has gone through',
  })
  linesProcessed!: number;

  @ApiProperty({ type: 'integer', example: 399000 })
  created!: number;

  @ApiProperty({ type: 'integer', example: 0 })
  updated!: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Lines identical to the work as stored: nothing to do',
  })
  unchanged!: number;

  @ApiProperty({ type: 'integer', example: 1000 })
  rejected!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  failure!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}

export class ImportErrorResponse {
  @ApiProperty({ type: 'integer', example: 17 })
  lineNo!: number;

  @ApiProperty({ type: String, nullable: true, example: 'NWP-17' })
  externalId!: string | null;

  @ApiProperty({ example: 'isbn 9780306406158 has a wrong check digit (expected 7)' })
  reason!: string;
}

export class ImportErrorsResponse {
  @ApiProperty({ type: [ImportErrorResponse] })
  data!: ImportErrorResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export interface ImportRow {
  id: string;
  organization_id: string;
  format: string;
  status: string;
  splits_effective_from: string;
  lines_read: number;
  lines_processed: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  failure: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export function toImportResponse(row: ImportRow): CatalogueImportResponse {
  return {
    id: row.id,
    format: row.format,
    status: row.status,
    splitsEffectiveFrom: row.splits_effective_from,
    linesRead: row.lines_read,
    linesProcessed: row.lines_processed,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    failure: row.failure,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
