import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators';
import { ApiProblems } from '../common/errors/api-problems';
import { Page, PageOf } from '../common/pagination/page';
import { AuditService } from './audit.service';
import { AuditEventResponse } from './dto/audit-event.response';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

@ApiTags('organizations')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The audit trail, newest first, filtered' })
  @ApiOkResponse({ type: PageOf(AuditEventResponse) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEventResponse>> {
    return this.audit.list(query);
  }
}
