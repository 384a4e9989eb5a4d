import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { IsCountryCode, IsCurrencyCode } from '../../common/validation/iso-codes';
import { PageQuery } from '../../common/pagination/page';
import { Payee } from '../payee.entity';

export class CreatePayeeDto {
  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'email',
    example: 'ada@example.com',
    nullable: true,
  })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'GB',
    description: 'ISO 3166-1 alpha-2',
    nullable: true,
  })
  @IsOptional()
  @IsCountryCode()
  country?: string | null;

  @ApiProperty({ example: 'GBP', description: 'ISO 4217 currency the payee is paid in' })
  @IsCurrencyCode()
  currency!: string;
}

/** Any subset of the fields; `null` clears email or country, and nothing else. */
export class UpdatePayeeDto {
  @ApiPropertyOptional({ example: 'Ada King' })
  @ValidateIf((_o, value) => value !== undefined)
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'email',
    example: 'ada@example.org',
    nullable: true,
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsEmail()
  @Length(3, 254)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'FR',
    description: 'ISO 3166-1 alpha-2',
    nullable: true,
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsCountryCode()
  country?: string | null;

  @ApiPropertyOptional({ example: 'EUR' })
  @ValidateIf((_o, value) => value !== undefined)
  @IsCurrencyCode()
  currency?: string;
}

export class ListPayeesQuery extends PageQuery {}

export class PayeeResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ type: String, format: 'email', nullable: true, example: 'ada@example.com' })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'GB' })
  country!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'GBP',
    description: 'Null only on a default payee not yet given one',
  })
  currency!: string | null;

  @ApiProperty({
    description: 'The publisher itself; receives 100% of works registered without splits',
  })
  isDefault!: boolean;

  @ApiProperty({ type: 'integer', example: 1 })
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' })
  updatedAt!: string;
}

export function toPayeeResponse(payee: Payee): PayeeResponse {
  return {
    id: payee.id,
    name: payee.name,
    email: payee.email,
    country: payee.country,
    currency: payee.currency,
    isDefault: payee.isDefault,
    version: payee.version,
    createdAt: payee.createdAt.toISOString(),
    updatedAt: payee.updatedAt.toISOString(),
  };
}
