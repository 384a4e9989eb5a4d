import { ApiProperty } from '@nestjs/swagger';

export class ReceiptPayoutItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) payoutRunId!: string;
  @ApiProperty({ type: 'integer', example: 10380, description: 'The whole item, minor units' })
  amount!: number;
  @ApiProperty({ enum: ['pending', 'paid'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'tr_1Q2w3E4r5T6y7U8i' })
  transferId!: string | null;
}

export class ReceiptStatementResponse {
  @ApiProperty({ format: 'uuid' }) statementId!: string;
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({
    type: [ReceiptPayoutItemResponse],
    description:
      "The payee's payout items that paid what the invoice released to it, first in first out",
  })
  payoutItems!: ReceiptPayoutItemResponse[];
}

export class ReceiptChargeResponse {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['calculated', 'posted'] }) runStatus!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ type: 'integer', example: 3 }) chargeLineNo!: number;
  @ApiProperty({ enum: ['per-unit', 'revenue-share'] }) kind!: string;
  @ApiProperty({
    example: '1500000',
    description: 'Every unit the charge priced, not only the cited ones',
  })
  units!: string;
  @ApiProperty({ type: 'integer', example: 1875, description: 'Minor units' }) gross!: number;
  @ApiProperty({
    type: [ReceiptStatementResponse],
    nullable: true,
    description: "The publisher's statements holding the charge; null for the licensee",
  })
  statements!: ReceiptStatementResponse[] | null;
}

export class ReceiptCitationResponse {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ format: 'uuid' }) licenseeId!: string;
  @ApiProperty({ format: 'uuid' }) publisherId!: string;
  @ApiProperty({ format: 'uuid' }) workId!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ type: 'integer', example: 1 }) agreementVersion!: number;
  @ApiProperty({ example: 'ai-train' }) usage!: string;
  @ApiProperty({ example: 'token' }) unit!: string;
  @ApiProperty({ type: 'integer', example: 2, description: 'Matched lines citing the receipt' })
  lines!: number;
  @ApiProperty({ example: '1500000' }) units!: string;
  @ApiProperty({
    type: 'integer',
    example: 7,
    description:
      "The first of the report's lines citing the receipt (its place in the upload, from 1). A report's lines are kept as uploaded, not searched: these name where to look",
  })
  firstLineNo!: number;
  @ApiProperty({ type: 'integer', example: 12, description: 'The last of those lines' })
  lastLineNo!: number;
  @ApiProperty({ type: [ReceiptChargeResponse] }) charges!: ReceiptChargeResponse[];
}

export class LicenceReceiptTrailResponse {
  @ApiProperty({ example: 'rcpt_AU0GnbXqj6iHkLcPIR-gvG4sBlZd0xFj_g' }) id!: string;
  @ApiProperty({ format: 'date', example: '2027-06-09', description: 'The day of use it is for' })
  day!: string;
  @ApiProperty({ type: [ReceiptCitationResponse] }) citations!: ReceiptCitationResponse[];
}
