import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import { AgreementService } from './agreement.service';
import {
  AgreementResponse,
  CreateAgreementDto,
  ListAgreementsQuery,
  TerminateAgreementDto,
} from './dto/agreement.dto';

@ApiTags('licensing')
@Roles('publisher', 'licensee')
@Controller('v1/agreements')
export class AgreementsController {
  constructor(private readonly agreements: AgreementService) {}

  @Post()
  @ApiOperation({
    summary: "Accept an offer: an agreement on a snapshot of the offer's current terms",
  })
  @ApiCreated(AgreementResponse, { idempotencyKey: true, problems: [400, 401, 403, 404, 409, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateAgreementDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<AgreementResponse> {
    return this.agreements.create(principal, dto, idempotency);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('licensee')
  @ApiOperation({ summary: 'Accept a proposed agreement' })
  @ApiOk(AgreementResponse, { problems: [401, 403, 404, 409, 429] })
  accept(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<AgreementResponse> {
    return this.agreements.accept(principal, id);
  }

  @Get()
  @ApiOperation({ summary: 'Agreements you are a party to, newest first' })
  @ApiPage(AgreementResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListAgreementsQuery,
  ): Promise<Page<AgreementResponse>> {
    return this.agreements.list(principal, query);
  }

  @Get(':id')
  @ApiOk(AgreementResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<AgreementResponse> {
    return this.agreements.get(principal, id);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @ApiOperation({ summary: 'End an agreement from a date on (either party)' })
  @ApiOk(AgreementResponse, { problems: [400, 401, 403, 404, 409, 429] })
  terminate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: TerminateAgreementDto,
  ): Promise<AgreementResponse> {
    return this.agreements.terminate(principal, id, dto);
  }
}
