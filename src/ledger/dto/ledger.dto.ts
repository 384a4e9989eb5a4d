import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsCurrencyCode } from '../../common/validation/iso-codes';
import { ACCOUNT_TYPES } from '../ledger-accounts';

export class BalancesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "Only the accounts of this owner (a payee or licensee id); another organization's owner gives an empty page",
  })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string;
}

export class AccountBalanceResponse {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: ACCOUNT_TYPES }) type!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'Payee or licensee id',
  })
  ownerId!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({
    type: 'integer',
    example: 12500,
    description: 'Minor units, positive on the account’s normal side (what is owed or held)',
  })
  balance!: number;
  @ApiProperty({ enum: ['debit', 'credit'] }) normalSide!: string;
}

export class BalancesResponse {
  @ApiProperty({ type: [AccountBalanceResponse] }) data!: AccountBalanceResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'The cursor of the next page (`?cursor=`); null on the last',
  })
  nextCursor!: string | null;
}

export class LedgerEntryResponse {
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty({ example: '42', description: 'Position in the journal' }) seq!: string;
  @ApiProperty({ example: 'royalty run posted' }) reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { royaltyRunId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d' },
    description: 'What the transaction is for: ids by name',
  })
  refs!: Record<string, string>;
  @ApiProperty({
    type: 'integer',
    example: -12500,
    description: 'Signed: debit positive, credit negative',
  })
  amount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ListEntriesQuery extends PageQuery {}

export class LedgerEntriesResponse {
  @ApiProperty({ type: [LedgerEntryResponse] }) data!: LedgerEntryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TrialBalanceAccount extends AccountBalanceResponse {
  @ApiProperty({
    type: 'integer',
    example: -12500,
    description: 'Signed: debit positive, credit negative',
  })
  signedBalance!: number;
}

export class TrialBalanceTotal {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 12500, description: 'Minor units' }) debits!: number;
  @ApiProperty({ type: 'integer', example: 12500, description: 'Minor units' }) credits!: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'debits − credits' }) sum!: number;
}

export class TrialBalanceResponse {
  @ApiProperty({ type: [TrialBalanceAccount] }) accounts!: TrialBalanceAccount[];
  @ApiProperty({
    type: [TrialBalanceTotal],
    description: 'Per currency; sum is always zero in a sound ledger',
  })
  totals!: TrialBalanceTotal[];
  @ApiProperty() balanced!: boolean;
}

export class LedgerChainBreak {
  @ApiProperty({ example: '42', description: 'Position in the journal' }) seq!: string;
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty({ example: 'hash does not match the transaction and its postings' })
  problem!: string;
}

export class LedgerBalanceMismatch {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ type: 'integer', description: 'The balance kept for the account' }) kept!: number;
  @ApiProperty({ type: 'integer', description: 'The sum of its postings' })
  fromPostings!: number;
}

export class LedgerVerificationResponse {
  @ApiProperty({ description: 'The hash chain and every balance check out' }) ok!: boolean;
  @ApiProperty({ type: 'integer', example: 120 }) transactions!: number;
  @ApiProperty({
    type: LedgerChainBreak,
    nullable: true,
    example: null,
    description: 'The first transaction whose hash or link does not recompute',
  })
  firstBreak!: LedgerChainBreak | null;
  @ApiProperty({
    type: [LedgerBalanceMismatch],
    example: [],
    description: 'Accounts whose kept balance differs from the sum of their postings',
  })
  balanceMismatches!: LedgerBalanceMismatch[];
}
