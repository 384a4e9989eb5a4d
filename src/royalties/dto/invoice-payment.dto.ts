import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class CreateInvoicePaymentDto {
  @ApiProperty({
    type: 'integer',
    example: 10000,
    description: 'Minor units received; at most what is still owed',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiPropertyOptional({
    format: 'date',
    example: '2027-07-15',
    description: 'Default today (UTC)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'receivedOn must be a date, YYYY-MM-DD' })
  receivedOn?: string;

  @ApiPropertyOptional({ example: 'SEPA 2027-07-15 ACME' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}

export class ReleasedEarnings {
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ type: 'integer', example: 8999, description: 'Minor units' }) amount!: number;
}

export class InvoicePaymentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ type: 'integer', example: 10000 }) amount!: number;
  @ApiProperty({ format: 'date', example: '2027-07-15' }) receivedOn!: string;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({
    type: 'integer',
    example: 17932,
    description: 'Still owed on the invoice after this payment',
  })
  outstanding!: number;
  @ApiProperty({
    type: [ReleasedEarnings],
    example: [{ payeeId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', amount: 8999 }],
    description: "Payees' earnings this payment moved from awaiting collection to payable",
  })
  released!: ReleasedEarnings[];
  @ApiProperty({ format: 'uuid' }) ledgerTransactionId!: string;
}
