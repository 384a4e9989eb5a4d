import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiAccepted, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page } from '../common/pagination/page';
import { CollectionService } from './collection.service';
import {
  InvoiceCollectionResponse,
  InvoiceCollectionsQuery,
  InvoiceCollectionsResponse,
  IssueAgainResponse,
  OverdueByLicenseeQuery,
  OverdueByLicenseeResponse,
  OverdueInvoice,
  OverdueQuery,
} from './dto/collection.dto';

@ApiTags('collection')
@Controller('v1')
export class CollectionController {
  constructor(private readonly collection: CollectionService) {}

  @Get('invoices/:id/collection')
  @Roles('licensee', 'finance')
  @ApiOperation({
    summary: 'An invoice’s collection through Stripe: status, hosted page, PDF, what is paid',
  })
  @ApiOk(InvoiceCollectionResponse, { problems: [401, 403, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<InvoiceCollectionResponse> {
    return this.collection.get(principal, id);
  }

  @Get('collection/invoices')
  @Roles('licensee', 'finance')
  @ApiOperation({
    summary: 'The Stripe side of several invoices at once (a page of GET /v1/invoices)',
  })
  @ApiOk(InvoiceCollectionsResponse, { problems: [400, 401, 403, 429] })
  many(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InvoiceCollectionsQuery,
  ): Promise<InvoiceCollectionsResponse> {
    return this.collection.list(principal, query);
  }

  @Post('invoices/:id/issue')
  @Roles('finance')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Try again to issue an invoice Stripe refused (after fixing the cause)',
  })
  @ApiAccepted(IssueAgainResponse, { problems: [401, 403, 404, 409, 429] })
  issueAgain(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<IssueAgainResponse> {
    return this.collection.issueAgain(principal, id);
  }

  @Get('collection/overdue')
  @Roles('finance')
  @ApiOperation({
    summary: 'Invoices past due with something still owed, most overdue first',
    description:
      'Stripe sends the reminders (its Billing settings: reminder emails, retries); this is finance’s list of who owes what, how late.',
  })
  @ApiPage(OverdueInvoice, { problems: [400, 401, 403, 429] })
  overdue(@Query() query: OverdueQuery): Promise<Page<OverdueInvoice>> {
    return this.collection.overdue(query);
  }

  @Get('collection/overdue/by-licensee')
  @Roles('finance')
  @ApiOperation({ summary: 'What each licensee owes past due, per currency, largest first' })
  @ApiOk(OverdueByLicenseeResponse, { problems: [400, 401, 403, 429] })
  overdueByLicensee(@Query() query: OverdueByLicenseeQuery): Promise<OverdueByLicenseeResponse> {
    return this.collection.overdueByLicensee(query);
  }
}
