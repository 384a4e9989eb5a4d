import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateSessionDto {
  @ApiProperty({
    example: 'rlk_Q3xk9Tb0vF2mLr8sY1dWc4ZpJh6nKa7eUq5tGx0oBi9',
    description:
      "Your principal's API key. Exchanged for a session cookie; never stored, logged or echoed.",
    minLength: 1,
    maxLength: 512,
  })
  @IsString()
  @Length(1, 512)
  apiKey!: string;
}
