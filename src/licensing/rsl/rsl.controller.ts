import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/decorators';
import { AppConfig } from '../../config/app-config';
import { ApiProblems } from '../../common/errors/api-problems';
import { ifNoneMatchHits } from '../../common/http/if-none-match';
import { RSL_CONTENT_TYPE } from './rsl-vocabulary';
import { RslService } from './rsl.service';

const EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<rsl xmlns="https://rslstandard.org/rsl" xmlns:rl="https://rights-ledger.dev/ns/rsl/1">
  <content url="https://northwind.example/articles/engines">
    <copyright type="organization">Northwind Press</copyright>
    <license rl:offer="019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d" rl:version="1" rl:title="AI training, 2027" rl:scope="all" rl:start="2027-01-01" rl:end="2027-12-31">
      <permits type="usage">ai-input ai-train</permits>
      <payment type="training" rl:component="rate" rl:usage="ai-train" rl:unit="token" rl:per="1000">
        <custom>https://api.rights-ledger.dev/v1/licence-offers/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d</custom>
        <amount currency="EUR">0.000125</amount>
      </payment>
    </license>
  </content>
</rsl>
`;

@ApiTags('licensing')
@Public()
@Controller('rsl')
export class RslController {
  /** Links to offers: from configuration, never the request's Host (the document is cached publicly). */
  private readonly offerLinkBase: string;

  constructor(
    private readonly rsl: RslService,
    config: AppConfig,
  ) {
    this.offerLinkBase = `${config.get('PUBLIC_BASE_URL')}/v1/licence-offers/`;
  }

  @Get(':publisherId.xml')
  @ApiOperation({
    summary: "A publisher's active licence offers as an RSL 1.0 document (public, cacheable)",
    description:
      'One <content> per URL of an active work that an active offer covers (URL order, at most 5000), one <license> per covering offer. Strong ETag; If-None-Match answers 304. Rules: docs/LICENSING.md.',
  })
  @ApiParam({ name: 'publisherId', format: 'uuid' })
  @ApiProduces('application/rsl+xml')
  @ApiOkResponse({
    description: 'The RSL document',
    content: { 'application/rsl+xml': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match named the current ETag' })
  @ApiProblems(404)
  async document(
    @Param('publisherId') publisherId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const { body, etag } = await this.rsl.document(publisherId, this.offerLinkBase);
    void reply.header('ETag', etag).header('Cache-Control', 'public, max-age=300');
    if (ifNoneMatchHits(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.type(RSL_CONTENT_TYPE);
    return body;
  }
}
