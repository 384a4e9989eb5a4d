import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { IsCountryCode, IsCurrencyCode } from '../../common/validation/iso-codes';
import { PageQuery } from '../../common/pagination/page';
import type { PayeeRow } from '../catalogue.tables';
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

export class ListPayeesQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "Only this publisher's payees (finance; a publisher sees only its own whatever it names)",
  })
  @IsOptional()
  @IsUUID('all')
  publisherId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    example: 'true',
    description: 'Only payees on hold (true) or not (false)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  held?: 'true' | 'false';

  @ApiPropertyOptional({ example: 'lovelace', description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  q?: string;
}

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

export class PayeeHoldState {
  @ApiProperty({ example: 'Tax form W-8BEN missing' }) reason!: string;
  @ApiProperty({ format: 'date-time', example: '2027-07-01T09:00:00.000Z' }) heldAt!: string;
  @ApiProperty({
    enum: ['finance', 'publisher'],
    example: 'publisher',
    description:
      "Who placed it: finance, or the payee's publisher (a publisher cannot release finance's)",
  })
  heldByRole!: 'finance' | 'publisher';
}

/**
 * A payee in a list, and `GET /v1/payees/:id`: with its publisher and its payout state (hold,
 * Stripe account).
 */
export class PayeeListItemResponse extends PayeeResponse {
  @ApiProperty({ format: 'uuid' }) publisherId!: string;
  @ApiProperty({ example: 'Analytical Press' }) publisherName!: string;
  @ApiProperty({
    type: PayeeHoldState,
    nullable: true,
    example: null,
    description: "The open hold on the payee's payouts; null when none",
  })
  hold!: PayeeHoldState | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'acct_1QfR2sLkd8Hn3Xy9',
    description: 'null: not onboarded to Stripe',
  })
  stripeAccountId!: string | null;
  @ApiProperty({
    example: true,
    description: 'Stripe pays out to the account and its transfers capability is active',
  })
  payoutsEnabled!: boolean;
}

/** A payee with its publisher's name, open hold and Stripe state (payee.queries' list). */
export interface PayeeListRow extends PayeeRow {
  publisher_name: string;
  hold_reason: string | null;
  held_at: Date | null;
  held_by_role: 'finance' | 'publisher' | null;
  stripe_account_id: string | null;
  payouts_enabled: boolean | null;
  transfers_capability: string | null;
}

export function toPayeeListItem(row: PayeeListRow): PayeeListItemResponse {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    country: row.country,
    currency: row.currency,
    isDefault: row.is_default,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publisherId: row.organization_id,
    publisherName: row.publisher_name,
    hold:
      row.hold_reason !== null && row.held_at && row.held_by_role
        ? {
            reason: row.hold_reason,
            heldAt: row.held_at.toISOString(),
            heldByRole: row.held_by_role,
          }
        : null,
    stripeAccountId: row.stripe_account_id,
    payoutsEnabled: row.payouts_enabled === true && row.transfers_capability === 'active',
  };
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
