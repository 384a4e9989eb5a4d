import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';
import { ROLES, type Role } from '../../common/auth/principal';

export class CreateApiKeyDto {
  @ApiPropertyOptional({
    example: 'Royalty reporting job',
    description:
      'The principal to hold the key. Absent (or your own name): a key for yourself. Admins: any principal of the organization, created when it has none of that name. Publishers and licensees: a colleague invited as a new principal of your role (an existing name is a 409 principal-exists). Finance: only yourself (403 otherwise).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  principalName?: string;

  @ApiPropertyOptional({
    enum: ROLES,
    example: 'finance',
    description:
      "The principal's role. Defaults to your own role in your own organization, and to the organization's only role in a publisher's or licensee's; only admins name another role than their own.",
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}
