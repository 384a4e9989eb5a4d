import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCurrencyCode } from '../../common/validation/iso-codes';

export class CreatePayeeAdvanceDto {
  @ApiProperty({
    type: 'integer',
    example: 500000,
    description: 'Minor units the publisher advanced the payee',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'EUR' })
  @IsCurrencyCode()
  currency!: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2027-01-15',
    description: 'Default today (UTC)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'paidOn must be a date, YYYY-MM-DD' })
  paidOn?: string;

  @ApiPropertyOptional({ example: 'Signing advance, contract 2027-004' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}

export class PayeeAdvanceResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ type: 'integer', example: 500000 }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'date', example: '2027-01-15' }) paidOn!: string;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({
    type: 'integer',
    example: 500000,
    description: "All of the payee's advances in this currency not yet repaid by its earnings",
  })
  outstanding!: number;
}
