import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { IfMatch } from '../common/concurrency/if-match';
import { Idempotency, type IdempotentRequest } from '../common/idempotency/idempotency';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import {
  CreatePayeeDto,
  ListPayeesQuery,
  PayeeListItemResponse,
  PayeeResponse,
  UpdatePayeeDto,
} from './dto/payee.dto';
import { PayeeService } from './payee.service';

@ApiTags('catalogue')
@Roles('publisher')
@Controller('v1/payees')
export class PayeesController {
  constructor(private readonly payees: PayeeService) {}

  @Post()
  @ApiOperation({ summary: 'Register a payee (an author, an agent) to pay for works' })
  @ApiCreated(PayeeResponse, { idempotencyKey: true, problems: [400, 401, 403, 409, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreatePayeeDto,
    @Idempotency() idempotency?: IdempotentRequest,
  ): Promise<PayeeResponse> {
    return this.payees.create(principal, dto, idempotency);
  }

  @Get()
  @Roles('publisher', 'finance')
  @ApiOperation({
    summary:
      "Payees, oldest first, with their publisher, hold and Stripe state: a publisher's own; finance every publisher's",
    description:
      'Finance filters by `publisherId`, `held` and `q` (part of the name); a publisher sees only its own payees, whatever `publisherId` it names.',
  })
  @ApiPage(PayeeListItemResponse, { problems: [400, 401, 403, 429] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListPayeesQuery,
  ): Promise<Page<PayeeListItemResponse>> {
    return this.payees.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A payee with its hold (and who placed it) and whether it can receive payouts',
  })
  @ApiOk(PayeeListItemResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PayeeListItemResponse> {
    return this.payees.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a payee' })
  @ApiOk(PayeeResponse, { ifMatch: true, problems: [400, 401, 403, 404, 412, 429] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: UpdatePayeeDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<PayeeResponse> {
    return this.payees.update(principal, id, dto, expectedVersion);
  }
}
