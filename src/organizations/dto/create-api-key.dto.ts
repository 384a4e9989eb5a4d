import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { ROLES, type Role } from '../../common/auth/principal';

export class CreateApiKeyDto {
  @ApiProperty({
    example: 'Royalty reporting job',
    description:
      'The principal to hold the key; created when the organization has none of that name',
  })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  principalName!: string;

  @ApiPropertyOptional({
    enum: ROLES,
    example: 'finance',
    description:
      "The principal's role. Defaults to the role of a publisher's or licensee's organization; required for the operator.",
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}
