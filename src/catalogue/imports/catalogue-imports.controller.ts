import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../../common/auth/decorators';
import type { Principal } from '../../common/auth/principal';
import { ApiAccepted, ApiOk, ApiPage } from '../../common/openapi/answers';
import { Page } from '../../common/pagination/page';
import {
  CatalogueImportLimitsResponse,
  CatalogueImportResponse,
  ImportErrorsResponse,
  ListCatalogueImportsQuery,
  ListImportErrorsQuery,
  StartCatalogueImportQuery,
} from './catalogue-import.dto';
import { CatalogueImportService } from './catalogue-import.service';

const NDJSON_EXAMPLE = [
  '{"externalId":"NWP-1","title":"Notes","kind":"book","identifiers":["isbn:9780306406157"],"splits":[{"payeeId":"019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d","shareBps":10000}]}',
  '{"externalId":"NWP-2","title":"Sketch","kind":"article","identifiers":[{"scheme":"doi","value":"10.1000/182"}]}',
].join('\n');
const CSV_EXAMPLE = [
  'externalId,title,kind,identifiers,language,publishedAt,splits,metadata',
  'NWP-1,Notes,book,isbn:9780306406157|doi:10.1000/182,en,1843-09-01,019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d:10000,"{""series"":""Notes""}"',
].join('\n');

/** The upload route, whose NDJSON or CSV body arrives as a stream (see streaming-body.ts). */
export const CATALOGUE_IMPORTS_ROUTE = '/v1/catalogue-imports';

@ApiTags('catalogue')
@Roles('publisher')
@Controller('v1/catalogue-imports')
export class CatalogueImportsController {
  constructor(private readonly imports: CatalogueImportService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Upload a catalogue (NDJSON or CSV), streamed; a worker loads it',
    description:
      'Lines are upserts by externalId: sending the same file again changes nothing. A bad line is rejected alone (see /errors). Columns and fields: docs/CATALOGUE-IMPORTS.md.',
  })
  @ApiConsumes('application/x-ndjson', 'text/csv')
  @ApiBody({
    schema: { type: 'string' },
    examples: {
      ndjson: { summary: 'NDJSON', value: NDJSON_EXAMPLE },
      csv: { summary: 'CSV', value: CSV_EXAMPLE },
    },
  })
  @ApiAccepted(CatalogueImportResponse, { problems: [400, 401, 403, 413, 415, 429] })
  start(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Query() query: StartCatalogueImportQuery,
  ): Promise<CatalogueImportResponse> {
    return this.imports.start(principal, request.headers['content-type'], request.body, query);
  }

  @Get()
  @ApiOperation({ summary: "The publisher's imports, newest first, optionally of one status" })
  @ApiPage(CatalogueImportResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListCatalogueImportsQuery,
  ): Promise<Page<CatalogueImportResponse>> {
    return this.imports.list(principal, query);
  }

  @Get('limits')
  @ApiOperation({ summary: 'How large a catalogue file may be, and the daily upload quota' })
  @ApiOk(CatalogueImportLimitsResponse, { problems: [401, 403, 429] })
  limits(): CatalogueImportLimitsResponse {
    return this.imports.limits();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status and progress of an import' })
  @ApiOk(CatalogueImportResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<CatalogueImportResponse> {
    return this.imports.get(principal, id);
  }

  @Get(':id/errors')
  @ApiOperation({ summary: 'Each rejected line, with its line number and reason' })
  @ApiOk(ImportErrorsResponse, { problems: [400, 401, 403, 404, 429] })
  errors(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ListImportErrorsQuery,
  ): Promise<ImportErrorsResponse> {
    return this.imports.errors(principal, id, query);
  }
}
