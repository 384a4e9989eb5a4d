import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class JwkResponse {
  @ApiProperty({ example: 'OKP' })
  kty!: string;

  @ApiProperty({ example: 'Ed25519' })
  crv!: string;

  @ApiProperty({
    example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    description: 'The public key',
  })
  x!: string;

  @ApiProperty({
    example: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    description: "The key id receipts name in their header (the key's RFC 7638 thumbprint)",
  })
  kid!: string;

  @ApiProperty({ example: 'EdDSA' })
  alg!: string;

  @ApiProperty({ example: 'sig' })
  use!: string;
}

export class JwksResponse {
  @ApiProperty({
    type: [JwkResponse],
    description: 'The key that signs receipts now and every retired key not yet expired',
  })
  keys!: JwkResponse[];
}

export class ReceiptKeyResponse {
  @ApiProperty({ example: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' })
  kid!: string;

  @ApiProperty({
    enum: ['signing', 'verifying', 'expired'],
    description:
      'signing: signs receipts now; verifying: retired, still published; expired: gone from the JWKS',
  })
  state!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it stopped signing',
  })
  retiredAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it leaves the JWKS (RECEIPT_KEY_VERIFY_DAYS after retiring)',
  })
  expiresAt!: string | null;
}

export class ReceiptKeysResponse {
  @ApiProperty({ type: [ReceiptKeyResponse], description: 'Newest first' })
  data!: ReceiptKeyResponse[];
}

export class RotateReceiptKeyDto {
  @ApiProperty({
    example: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    description:
      'The kid of the key that signs now, to be retired: a repeated request names a key already retired and is refused (409), so it never rotates twice',
  })
  @IsString()
  @Length(1, 100)
  retiringKid!: string;
}
