import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUrl } from 'class-validator';

export class CreateStripeAccountLinkDto {
  @ApiPropertyOptional({
    format: 'uri',
    example: 'https://publisher.example/payees/onboarded',
    description:
      'Where Stripe sends the payee when onboarding is done (default from configuration)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  returnUrl?: string;

  @ApiPropertyOptional({
    format: 'uri',
    example: 'https://publisher.example/payees/onboarding-expired',
    description:
      'Where Stripe sends the payee when the link has expired (default from configuration)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  refreshUrl?: string;
}

export class StripeAccountResponse {
  @ApiProperty({ format: 'uuid', example: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d' })
  payeeId!: string;
  @ApiProperty({ example: 'acct_1QfR2sLkd8Hn3Xy9' }) stripeAccountId!: string;
  @ApiProperty({ example: false, description: 'The connected account can receive payouts' })
  payoutsEnabled!: boolean;
  @ApiProperty({ example: 'inactive', description: "Stripe's transfers capability status" })
  transfersCapability!: string;
  @ApiProperty({ example: false }) detailsSubmitted!: boolean;
  @ApiPropertyOptional({
    format: 'uri',
    example: 'https://connect.stripe.com/setup/e/acct_1QfR2sLkd8Hn3Xy9/Xh2k9',
    description: 'A fresh onboarding link (only when one was just made)',
  })
  onboardingUrl?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2027-07-01T10:05:00.000Z' })
  onboardingUrlExpiresAt?: string;
}

export interface StripeAccountRow {
  payee_id: string;
  stripe_account_id: string;
  payouts_enabled: boolean;
  transfers_capability: string;
  details_submitted: boolean;
}

export function toStripeAccountResponse(
  row: StripeAccountRow,
  link?: { url: string; expires_at: number },
): StripeAccountResponse {
  return {
    payeeId: row.payee_id,
    stripeAccountId: row.stripe_account_id,
    payoutsEnabled: row.payouts_enabled,
    transfersCapability: row.transfers_capability,
    detailsSubmitted: row.details_submitted,
    ...(link
      ? {
          onboardingUrl: link.url,
          onboardingUrlExpiresAt: new Date(link.expires_at * 1000).toISOString(),
        }
      : {}),
  };
}
