import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk } from '../common/openapi/answers';
import { PositiveInt4Pipe } from '../common/validation/int4-param.pipe';
import { AgreementAmendmentService } from './agreement-amendment.service';
import {
  AgreementVersionResponse,
  AgreementVersionsResponse,
  CreateAmendmentDto,
} from './dto/agreement-amendment.dto';

@ApiTags('licensing')
@Roles('publisher', 'licensee')
@Controller('v1/agreements/:id')
export class AgreementAmendmentsController {
  constructor(private readonly amendments: AgreementAmendmentService) {}

  @Post('amendments')
  @ApiOperation({
    summary: "Amend an agreement to its offer's current version from a date",
    description:
      'A licensee adopts the new version at once; a publisher proposes it and the licensee ' +
      'accepts. Never retroactive; the earlier versions stay readable.',
  })
  @ApiCreated(AgreementVersionResponse, {
    idempotencyKey: true,
    problems: [400, 401, 403, 404, 409, 429],
  })
  amend(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreateAmendmentDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<AgreementVersionResponse> {
    return this.amendments.amend(principal, id, dto, idempotency);
  }

  @Post('amendments/:version/accept')
  @HttpCode(200)
  @Roles('licensee')
  @ApiOperation({ summary: "Accept the publisher's proposed amendment" })
  @ApiParam({ name: 'version', type: 'integer', example: 2 })
  @ApiOk(AgreementVersionResponse, { problems: [400, 401, 403, 404, 409, 429] })
  accept(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('version', new PositiveInt4Pipe('version')) version: number,
  ): Promise<AgreementVersionResponse> {
    return this.amendments.accept(principal, id, version);
  }

  @Get('versions')
  @ApiOperation({ summary: 'Every version of the agreement, oldest first (both parties)' })
  @ApiOk(AgreementVersionsResponse, { problems: [401, 403, 404, 429] })
  async versions(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<AgreementVersionsResponse> {
    return { data: await this.amendments.versions(principal, id) };
  }
}
