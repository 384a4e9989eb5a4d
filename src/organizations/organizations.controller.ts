import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyRole, CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiCreated, ApiOk, ApiPage } from '../common/openapi/answers';
import { Page, PageQuery } from '../common/pagination/page';
import { ApiKeyResponse, IssuedApiKeyResponse } from './dto/api-key.response';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { CreatedOrganizationResponse } from './dto/created-organization.response';
import { OrganizationResponse } from './dto/organization.response';
import { OrganizationService } from './organization.service';

@ApiTags('organizations')
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a publisher or licensee organization and its first API key' })
  @ApiCreated(CreatedOrganizationResponse, { problems: [400, 401, 403, 413, 429] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateOrganizationDto,
  ): Promise<CreatedOrganizationResponse> {
    return this.organizations.create(principal, dto);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List organizations, oldest first' })
  @ApiPage(OrganizationResponse, { problems: [400, 401, 403, 429] })
  list(@Query() page: PageQuery): Promise<Page<OrganizationResponse>> {
    return this.organizations.list(page);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'One organization: any for operator roles, otherwise only your own' })
  @ApiOk(OrganizationResponse, { problems: [401, 404, 429] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<OrganizationResponse> {
    return this.organizations.get(principal, id);
  }

  @Post(':id/api-keys')
  @AnyRole()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue an API key: to yourself, to a colleague you invite, or (admins) to anyone',
    description:
      'A principal is a person (or one system) and its keys are its own. Admins issue keys in any organization, to a new or an existing principal of any role the organization can hold; only admins create finance and admin principals. Every other role issues keys in its own organization only, for its own role: without `principalName` (or with its own name) a key for itself; publishers and licensees may also invite a colleague as a new principal of their role (a name that exists already: 409 `principal-exists`); finance may not name another principal (403). No one but an admin obtains a key of another existing principal, so a payout run’s two finance principals are two people an admin created. A principal holds at most `API_KEYS_PER_PRINCIPAL` active keys (default 10; 409 `api-key-limit-reached`). The key is shown once.',
  })
  @ApiCreated(IssuedApiKeyResponse, { problems: [400, 401, 403, 404, 409, 429] })
  issueApiKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyResponse> {
    return this.organizations.issueApiKey(principal, id, dto);
  }

  @Get(':id/api-keys')
  @AnyRole()
  @ApiOperation({ summary: "List an organization's API keys (never their secrets)" })
  @ApiPage(ApiKeyResponse, { problems: [400, 401, 404, 429] })
  listApiKeys(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() page: PageQuery,
  ): Promise<Page<ApiKeyResponse>> {
    return this.organizations.listApiKeys(principal, id, page);
  }
}
