import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import type { Principal } from '../common/auth/principal';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated } from '../common/openapi/answers';
import { CreatePayeeAdvanceDto, PayeeAdvanceResponse } from './dto/payee-advance.dto';
import { PayeeAdvanceService } from './payee-advance.service';

@ApiTags('royalties')
@Roles('publisher')
@Controller('v1/payees/:id/advances')
export class PayeeAdvancesController {
  constructor(private readonly advances: PayeeAdvanceService) {}

  @Post()
  @FailClosed()
  @ApiOperation({
    summary: 'Record an advance you paid a payee outside the platform',
    description:
      "The payee's earnings repay it first, to your default payee, before they become the payee's.",
  })
  @ApiCreated(PayeeAdvanceResponse, {
    idempotencyKey: true,
    problems: [400, 401, 403, 404, 409, 429],
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreatePayeeAdvanceDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<PayeeAdvanceResponse> {
    return this.advances.record(principal, id, dto, idempotency);
  }
}
