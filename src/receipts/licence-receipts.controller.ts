import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { LicenceReceiptTrailResponse } from './dto/receipt-trail.dto';
import { ReceiptTrail } from './receipt-trail';

@ApiTags('licensing')
@Controller('v1/licence-receipts')
export class LicenceReceiptsController {
  constructor(private readonly trail: ReceiptTrail) {}

  @Get(':id')
  @Roles('publisher', 'licensee', 'finance', 'admin')
  @ApiOperation({
    summary:
      'Where a licence receipt led: the usage lines citing it, the charge, statements and payout items that paid for it',
    description:
      'The licensee and the publisher concerned see their side (the licensee its reports and invoices; the publisher also its statements and the payout items that paid them, first in first out); finance and admins all. Not found (404) when no usage the caller can see cites the receipt.',
  })
  @ApiOk(LicenceReceiptTrailResponse, { problems: [401, 403, 404, 429] })
  one(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<LicenceReceiptTrailResponse> {
    return this.trail.trail(principal, id);
  }
}
