import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators';
import { ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
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
  @ApiPage(AuditEventResponse, { problems: [400, 401, 403, 429] })
  list(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEventResponse>> {
    return this.audit.list(query);
  }
}
