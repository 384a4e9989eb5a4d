import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import {
  BalancesQuery,
  BalancesResponse,
  LedgerEntriesResponse,
  LedgerVerificationResponse,
  ListEntriesQuery,
  TrialBalanceResponse,
} from './dto/ledger.dto';
import { LedgerReportsService } from './ledger-reports.service';

@ApiTags('ledger')
@Controller('v1')
export class LedgerController {
  constructor(private readonly ledger: LedgerReportsService) {}

  @Get('balances')
  @Roles('publisher', 'licensee', 'finance')
  @ApiOperation({
    summary: "Balances: a publisher's payees, a licensee's receivables and advances; finance all",
    description:
      "Paged (`limit`, default 50, up to 200; `cursor` = the last page's `nextCursor`), by currency, account type, owner and id.",
  })
  @ApiOk(BalancesResponse, { problems: [400, 401, 403, 429] })
  async balances(
    @CurrentPrincipal() principal: Principal,
    @Query() query: BalancesQuery,
  ): Promise<BalancesResponse> {
    return this.ledger.balances(principal, query);
  }

  @Get('ledger/accounts/:id/entries')
  @Roles('publisher', 'licensee', 'finance')
  @ApiOperation({ summary: "An account's entries, newest first" })
  @ApiOk(LedgerEntriesResponse, { problems: [400, 401, 403, 404, 429] })
  entries(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ListEntriesQuery,
  ): Promise<LedgerEntriesResponse> {
    return this.ledger.entries(principal, id, query);
  }

  @Get('ledger/trial-balance')
  @Roles('finance')
  @ApiOperation({ summary: 'Every account and the per-currency sum, which must be zero' })
  @ApiOk(TrialBalanceResponse, { problems: [401, 403, 429] })
  trialBalance(): Promise<TrialBalanceResponse> {
    return this.ledger.trialBalance();
  }

  @Get('ledger/verify')
  @Roles('finance')
  @ApiOperation({
    summary: 'Recompute the hash chain and every balance; report the first break',
  })
  @ApiOk(LedgerVerificationResponse, { problems: [401, 403, 429] })
  verify(): Promise<LedgerVerificationResponse> {
    return this.ledger.verify();
  }
}
