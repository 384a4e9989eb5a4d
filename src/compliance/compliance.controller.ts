import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { ComplianceService } from './compliance.service';
import { ComplianceQuery, ComplianceResponse } from './dto/compliance.dto';

const EXAMPLE: ComplianceResponse = {
  period: '2027-06',
  findings: [
    {
      kind: 'checked-not-reported',
      agreementId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
      licenseeId: '019abc3e-0000-7000-8000-000000000001',
      publisherId: '019abc3e-0000-7000-8000-0000000000dd',
      evidence: {
        workId: '019abc3e-0000-7000-8000-0000000000aa',
        usage: 'ai-train',
        receipts: 412000,
        daysChecked: 30,
        firstDay: '2027-06-01',
        lastDay: '2027-06-30',
        reportedLines: 0,
      },
    },
    {
      kind: 'report-missing',
      agreementId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
      licenseeId: '019abc3e-0000-7000-8000-000000000001',
      publisherId: '019abc3e-0000-7000-8000-0000000000dd',
      evidence: { dueOn: '2027-07-15', daysOverdue: 21 },
    },
  ],
  truncated: false,
};

@ApiTags('licensing')
@Controller('v1/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  @Roles('publisher', 'licensee', 'finance', 'admin')
  @ApiOperation({
    summary: 'What the licence checks say against what was reported, for one month',
    description:
      'Findings per agreement: `checked-not-reported` (receipts given for a work and usage that no counting report of the period used), `report-missing` / `report-late` (no report of the period accepted by the due day: the offer’s `reportDueDay` of the next month, default the 15th), `volume-drop` (matched units fell by more than COMPLIANCE_VOLUME_DROP_BPS against the mean of the three months before), each with its evidence. A publisher sees its agreements, a licensee its own, finance and admins all. Receipt counts are flushed from the api processes every RECEIPT_COUNT_FLUSH_MS: docs/COMPLIANCE.md.',
  })
  @ApiOk(ComplianceResponse, { problems: [400, 401, 403, 429], example: EXAMPLE })
  findings(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ComplianceQuery,
  ): Promise<ComplianceResponse> {
    return this.compliance.findings(principal, query);
  }
}
