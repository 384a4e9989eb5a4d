import { ApiProperty } from '@nestjs/swagger';

export class StripeWebhookResponse {
  @ApiProperty({ example: true }) received!: boolean;
  @ApiProperty({ example: 'evt_1QfS0aLkd8Hn3Xy9AbCdEfGh' }) eventId!: string;
  @ApiProperty({ example: false, description: 'The event was processed before; nothing was done' })
  duplicate!: boolean;
}
