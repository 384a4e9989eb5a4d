import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { IfMatch } from '../common/concurrency/if-match';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page, PageQuery } from '../common/pagination/page';
import {
  CreateWorkDto,
  ListWorksQuery,
  SplitVersionsResponse,
  UpdateWorkDto,
  WorkResponse,
  WorkVersionsResponse,
} from './dto/work.dto';
import { WorkService } from './work.service';

@ApiTags('catalogue')
@Roles('publisher')
@Controller('v1/works')
export class WorksController {
  constructor(private readonly works: WorkService) {}

  @Post()
  @ApiOperation({ summary: 'Register a work with its identifiers and splits' })
  @ApiCreated(WorkResponse, { idempotencyKey: true, problems: [400, 401, 403, 409, 413, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateWorkDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<WorkResponse> {
    return this.works.create(principal, dto, idempotency);
  }

  @Get()
  @ApiOperation({ summary: "The publisher's works, oldest first, filtered" })
  @ApiPage(WorkResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListWorksQuery,
  ): Promise<Page<WorkResponse>> {
    return this.works.list(principal, query);
  }

  @Get(':id')
  @ApiOk(WorkResponse, { problems: [401, 403, 404, 429] })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WorkResponse> {
    return this.works.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a work; the earlier version is kept',
    description:
      'Changing splits adds a split version effective from splitsEffectiveFrom (default today).',
  })
  @ApiOk(WorkResponse, { ifMatch: true, problems: [400, 401, 403, 404, 409, 412, 429] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateWorkDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<WorkResponse> {
    return this.works.update(principal, id, dto, expectedVersion);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a work: no new licensed use; its history stays. Idempotent.' })
  @ApiOk(WorkResponse, { ifMatch: true, problems: [401, 403, 404, 412, 429] })
  withdraw(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @IfMatch() expectedVersion?: number,
  ): Promise<WorkResponse> {
    return this.works.withdraw(principal, id, expectedVersion);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every version of the work, oldest first' })
  @ApiOk(WorkVersionsResponse, { problems: [400, 401, 403, 404, 429] })
  versions(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() page: PageQuery,
  ): Promise<WorkVersionsResponse> {
    return this.works.versions(principal, id, page);
  }

  @Get(':id/split-versions')
  @ApiOperation({
    summary: 'Every split version of the work with its effective date, oldest first',
  })
  @ApiOk(SplitVersionsResponse, { problems: [401, 403, 404, 429] })
  splitVersions(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<SplitVersionsResponse> {
    return this.works.splitVersions(principal, id);
  }
}
