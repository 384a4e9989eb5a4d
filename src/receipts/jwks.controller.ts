import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { ifNoneMatchHits } from '../common/http/if-none-match';
import { ApiOk } from '../common/openapi/answers';
import { JwksResponse } from './dto/licence-receipt-keys.dto';
import { LicenceReceiptKeys } from './licence-receipt-keys';

const EXAMPLE: JwksResponse = {
  keys: [
    {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
      alg: 'EdDSA',
      use: 'sig',
    },
  ],
};

@ApiTags('licensing')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: LicenceReceiptKeys) {}

  @Get('jwks.json')
  @ApiOperation({
    summary: 'The public keys that verify licence receipts (public, cacheable)',
    description:
      'A JSON Web Key Set (RFC 7517): the Ed25519 key that signs receipts now and every retired key until it expires. Cache it (max-age 300, strong ETag; If-None-Match answers 304) and verify receipts offline: docs/LICENSING.md.',
  })
  @ApiOk(JwksResponse, { problems: [429], example: EXAMPLE })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match named the current ETag' })
  async jwks(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JwksResponse | undefined> {
    const ring = await this.keys.ring();
    void reply.header('ETag', ring.etag).header('Cache-Control', 'public, max-age=300');
    if (ifNoneMatchHits(ifNoneMatch, ring.etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.type('application/jwk-set+json');
    return ring.jwks as JwksResponse;
  }
}
