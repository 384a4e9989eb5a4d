import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';
import { ApiOk } from '../common/openapi/answers';
import { RateLimit } from '../common/rate-limit/rate-limit-policy';
import { StripeWebhookResponse } from './dto/stripe-webhook.dto';
import { StripeWebhooksService } from './stripe-webhooks.service';

export const STRIPE_WEBHOOK_ROUTE = '/v1/stripe/webhooks';

@ApiTags('stripe')
@Controller(STRIPE_WEBHOOK_ROUTE.slice(1))
export class StripeWebhooksController {
  constructor(private readonly webhooks: StripeWebhooksService) {}

  @Post()
  @Public()
  @RateLimit({ perAddress: 'WEBHOOK_RATE_LIMIT_PER_MINUTE' })
  @HttpCode(200)
  @ApiOperation({
    summary: "Stripe's events (signed; each event processed once)",
    description:
      'Verified with Stripe-Signature over the raw body (300 s tolerance). The objects are re-read from Stripe, so order does not matter.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, example: 't=1782900000,v1=5257a869…' })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'A Stripe event, as Stripe sends it; its objects are re-read from Stripe',
      required: ['id', 'type'],
      properties: {
        id: { type: 'string', example: 'evt_1QfS0aLkd8Hn3Xy9AbCdEfGh' },
        object: { type: 'string', enum: ['event'] },
        type: { type: 'string', example: 'account.updated' },
        created: { type: 'integer', description: 'Unix seconds' },
        data: {
          type: 'object',
          properties: { object: { type: 'object', additionalProperties: true } },
        },
      },
      additionalProperties: true,
    },
    examples: {
      'account.updated': {
        value: {
          id: 'evt_1QfS0aLkd8Hn3Xy9AbCdEfGh',
          object: 'event',
          type: 'account.updated',
          created: 1782900000,
          data: { object: { id: 'acct_1QfR2sLkd8Hn3Xy9', object: 'account' } },
        },
      },
    },
  })
  @ApiOk(StripeWebhookResponse, { problems: [400, 503] })
  receive(
    @Body() body: unknown,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<StripeWebhookResponse> {
    return this.webhooks.receive(body, signature);
  }
}
