import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { IsCountryCode } from '../../common/validation/iso-codes';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { NestedObject, NestedObjects } from '../../common/validation/nested';

/** How a licensee pays its invoices (docs/COLLECTION.md). */
export const COLLECTION_METHODS = ['automatic', 'bank-transfer', 'invoice'] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

/** What a credit note does for the licensee: money back, or credit the next invoice uses. */
export const CREDIT_PREFERENCES = ['refund', 'balance'] as const;
export type CreditPreference = (typeof CREDIT_PREFERENCES)[number];

/** The tax id kinds Stripe knows that licensees here use most; Stripe checks the value's form. */
export const TAX_ID_TYPES = [
  'eu_vat',
  'gb_vat',
  'us_ein',
  'ch_vat',
  'no_vat',
  'au_abn',
  'ca_bn',
  'jp_cn',
  'in_gst',
] as const;

export class BillingAddress {
  @ApiProperty({ example: '1 Engine Street' })
  @IsString()
  @IsNotBlank()
  @Length(1, 200)
  line1!: string;

  @ApiPropertyOptional({ example: 'Floor 3' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  line2?: string;

  @ApiProperty({ example: 'London' })
  @IsString()
  @IsNotBlank()
  @Length(1, 100)
  city!: string;

  @ApiPropertyOptional({ example: 'EC1A 1BB' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  postalCode?: string;

  @ApiPropertyOptional({ example: 'Greater London' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  state?: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2' })
  @IsCountryCode()
  country!: string;
}

export class TaxId {
  @ApiProperty({ enum: TAX_ID_TYPES, example: 'gb_vat' })
  @IsIn(TAX_ID_TYPES)
  type!: (typeof TAX_ID_TYPES)[number];

  @ApiProperty({ example: 'GB123456789' })
  @IsString()
  @Matches(/^[A-Za-z0-9 .\-/]{2,40}$/, { message: 'value must be 2–40 letters, digits, . - /' })
  value!: string;
}

export class PutBillingProfileDto {
  @ApiProperty({ example: 'Babbage AI Ltd', description: 'The name invoices are addressed to' })
  @IsString()
  @IsNotBlank()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    example: 'accounts-payable@babbage.example',
    description: 'Where Stripe sends invoices, reminders and receipts',
  })
  @IsOptional()
  @IsEmail()
  @Length(3, 320)
  email?: string;

  @ApiPropertyOptional({ type: BillingAddress })
  @IsOptional()
  @NestedObject(() => BillingAddress)
  address?: BillingAddress;

  @ApiPropertyOptional({ type: [TaxId], example: [{ type: 'gb_vat', value: 'GB123456789' }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @NestedObjects(() => TaxId)
  taxIds?: TaxId[];

  @ApiPropertyOptional({
    enum: COLLECTION_METHODS,
    example: 'bank-transfer',
    description:
      'automatic: the payment method on file is charged when an invoice is issued; bank-transfer: invoices are paid by transfer to the licensee’s virtual bank account (Stripe customer balance); invoice: Stripe sends each invoice, paid on its hosted page. Default invoice.',
  })
  @IsOptional()
  @IsIn(COLLECTION_METHODS)
  collectionMethod?: CollectionMethod;

  @ApiPropertyOptional({
    enum: CREDIT_PREFERENCES,
    example: 'balance',
    description:
      'What a credit note does: refund it to the payment of the invoice it corrects, or keep it as credit the next invoice uses. Default balance.',
  })
  @IsOptional()
  @IsIn(CREDIT_PREFERENCES)
  creditPreference?: CreditPreference;
}

export class AttachPaymentMethodDto {
  @ApiProperty({
    example: 'pm_card_visa',
    description:
      'A Stripe PaymentMethod the licensee collected with Stripe.js (or, in test mode, one of Stripe’s test ids: pm_card_visa, pm_card_chargeCustomerFail, pm_sepaDebit, pm_usBankAccount)',
  })
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{3,100}$/, { message: 'paymentMethodId must be a Stripe pm_… id' })
  paymentMethodId!: string;
}

export class PaymentMethodSummary {
  @ApiProperty({ example: 'pm_1QfS0aLkd8Hn3Xy9AbCdEfGh' }) id!: string;
  @ApiProperty({ example: 'card', description: 'card, sepa_debit or us_bank_account' })
  type!: string;
  @ApiProperty({ type: String, nullable: true, example: 'visa' }) brand!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '4242' }) last4!: string | null;
}

export class BillingProfileResponse {
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ example: 'Babbage AI Ltd' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'accounts-payable@babbage.example' })
  email!: string | null;
  @ApiProperty({ type: BillingAddress, nullable: true }) address!: BillingAddress | null;
  @ApiProperty({ type: [TaxId] }) taxIds!: TaxId[];
  @ApiProperty({ enum: COLLECTION_METHODS, example: 'invoice' })
  collectionMethod!: CollectionMethod;
  @ApiProperty({ type: PaymentMethodSummary, nullable: true })
  paymentMethod!: PaymentMethodSummary | null;
  @ApiProperty({ enum: CREDIT_PREFERENCES, example: 'balance' })
  creditPreference!: CreditPreference;
  @ApiProperty({ type: String, nullable: true, example: 'cus_QfS0aLkd8Hn3Xy' })
  stripeCustomerId!: string | null;
  @ApiProperty({
    example: true,
    description:
      'Stripe has this version of the profile; false: it is sent with the next invoice (Stripe was unreachable)',
  })
  syncedWithStripe!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
