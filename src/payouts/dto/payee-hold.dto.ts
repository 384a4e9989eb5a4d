import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';

export class CreatePayeeHoldDto {
  @ApiProperty({ example: 'Tax form W-8BEN missing', description: 'Why payouts are held' })
  @IsString()
  @IsNotBlank()
  @Length(1, 500)
  reason!: string;
}

/** The roles that may hold and release payees: finance any payee, a publisher its own. */
export const HOLD_ROLES = ['finance', 'publisher'] as const;
export type HoldRole = (typeof HOLD_ROLES)[number];

export class PayeeHoldResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) payeeId!: string;
  @ApiProperty({ example: 'Tax form W-8BEN missing' }) reason!: string;
  @ApiProperty({ format: 'date-time', example: '2027-07-01T09:00:00.000Z' }) heldAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The principal who placed the hold' })
  heldBy!: string;
  @ApiProperty({
    enum: HOLD_ROLES,
    example: 'publisher',
    description:
      "Who placed the hold: finance, or the payee's publisher (only finance releases a hold finance placed)",
  })
  heldByRole!: HoldRole;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) releasedAt!:
    string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  releasedBy!: string | null;
  @ApiProperty({ enum: HOLD_ROLES, nullable: true, example: null })
  releasedByRole!: HoldRole | null;
}

export interface PayeeHoldRow {
  id: string;
  payee_id: string;
  reason: string;
  held_at: Date;
  held_by_principal_id: string;
  held_by_role: HoldRole;
  released_at: Date | null;
  released_by_principal_id: string | null;
  released_by_role: HoldRole | null;
}

export function toPayeeHoldResponse(row: PayeeHoldRow): PayeeHoldResponse {
  return {
    id: row.id,
    payeeId: row.payee_id,
    reason: row.reason,
    heldAt: row.held_at.toISOString(),
    heldBy: row.held_by_principal_id,
    heldByRole: row.held_by_role,
    releasedAt: row.released_at?.toISOString() ?? null,
    releasedBy: row.released_by_principal_id,
    releasedByRole: row.released_by_role,
  };
}
