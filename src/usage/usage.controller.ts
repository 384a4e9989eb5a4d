import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { PublisherUsageQuery, PublisherUsageResponse } from './dto/usage-report.dto';
import { UsageIssuesService } from './usage-issues.service';

@ApiTags('usage')
@Roles('publisher')
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageIssuesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Usage of your works by work, usage type and licensee: licensed, and out-of-scope (unlicensed)',
    description: 'From the reports that count now: accepted and not superseded.',
  })
  @ApiOk(PublisherUsageResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PublisherUsageQuery,
  ): Promise<PublisherUsageResponse> {
    return this.usage.publisherUsage(principal, query);
  }
}
