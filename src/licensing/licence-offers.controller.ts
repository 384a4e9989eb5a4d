import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import type { Principal } from '../common/auth/principal';
import { IfMatch } from '../common/concurrency/if-match';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import {
  LicenceOfferResponse,
  LicenceOfferTermsDto,
  LicenceOfferVersionsResponse,
  ListLicenceOffersQuery,
} from './dto/licence-offer.dto';
import { LicenceOfferService } from './licence-offer.service';
import { RslImportResponse } from './rsl/rsl.dto';
import { RslService } from './rsl/rsl.service';
import { RSL_BODY_TYPES } from './rsl/rsl-vocabulary';

const RSL_IMPORT_EXAMPLE = `<rsl xmlns="https://rslstandard.org/rsl">
  <content url="https://northwind.example/articles/engines">
    <license>
      <permits type="usage">train-ai search</permits>
      <prohibits type="usage">ai-index</prohibits>
      <payment type="training"><amount currency="EUR">0.50</amount></payment>
    </license>
  </content>
</rsl>`;

@ApiTags('licensing')
@Controller('v1/licence-offers')
export class LicenceOffersController {
  constructor(
    private readonly offers: LicenceOfferService,
    private readonly rsl: RslService,
  ) {}

  @Post()
  @Roles('publisher')
  @ApiOperation({
    summary: 'Publish a licence offer: which works, which uses, where, when, at what price',
  })
  @ApiCreated(LicenceOfferResponse, { idempotencyKey: true, problems: [400, 401, 403, 409, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: LicenceOfferTermsDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<LicenceOfferResponse> {
    return this.offers.create(principal, dto, idempotency);
  }

  @Post('import-rsl')
  @HttpCode(200)
  @Roles('publisher')
  @ApiOperation({
    summary: 'Read an RSL document into offer terms to review and POST (nothing is stored)',
    description:
      'One set of terms per distinct <license>; early-draft tokens (train-ai, train-genai, ai-use, ai-summarize, ai-include) are read as RSL 1.0 tokens, extension tokens (x-ns:token) kept, anything else left out with a warning. Rules: docs/LICENSING.md.',
  })
  @ApiConsumes(...RSL_BODY_TYPES)
  @ApiBody({ schema: { type: 'string' }, examples: { rsl: { value: RSL_IMPORT_EXAMPLE } } })
  @ApiOk(RslImportResponse, { problems: [400, 401, 403, 413, 415, 422, 429] })
  importRsl(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<RslImportResponse> {
    if (typeof request.body !== 'string') {
      throw new DomainError(
        'unsupported-media-type',
        415,
        `Send the RSL document as ${RSL_BODY_TYPES.join(', ')}`,
      );
    }
    return this.rsl.import(principal, request.body);
  }

  @Get()
  @Roles('publisher', 'licensee')
  @ApiOperation({ summary: "A publisher's own offers; for a licensee, every active offer" })
  @ApiPage(LicenceOfferResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListLicenceOffersQuery,
  ): Promise<Page<LicenceOfferResponse>> {
    return this.offers.list(principal, query);
  }

  @Get(':id')
  @Roles('publisher', 'licensee')
  @ApiOk(LicenceOfferResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<LicenceOfferResponse> {
    return this.offers.get(principal, id);
  }

  @Put(':id')
  @Roles('publisher')
  @ApiOperation({
    summary: 'Revise the terms: a new version; agreements keep the version they accepted',
  })
  @ApiOk(LicenceOfferResponse, { ifMatch: true, problems: [400, 401, 403, 404, 412, 429] })
  revise(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: LicenceOfferTermsDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<LicenceOfferResponse> {
    return this.offers.revise(principal, id, dto, expectedVersion);
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Roles('publisher')
  @ApiOperation({ summary: 'Retire an offer: no new agreements on it. Idempotent.' })
  @ApiOk(LicenceOfferResponse, { problems: [401, 403, 404, 429] })
  retire(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<LicenceOfferResponse> {
    return this.offers.retire(principal, id);
  }

  @Get(':id/versions')
  @Roles('publisher', 'licensee')
  @ApiOperation({ summary: 'Every version of the terms, oldest first' })
  @ApiOk(LicenceOfferVersionsResponse, { problems: [401, 403, 404, 429] })
  versions(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<LicenceOfferVersionsResponse> {
    return this.offers.versions(principal, id);
  }
}
