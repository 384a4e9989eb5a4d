import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiCreated, ApiOk } from '../common/openapi/answers';
import { FailClosed } from '../common/rate-limit/rate-limit-policy';
import {
  ReceiptKeyResponse,
  ReceiptKeysResponse,
  RotateReceiptKeyDto,
} from './dto/licence-receipt-keys.dto';
import { LicenceReceiptKeys } from './licence-receipt-keys';

@ApiTags('licensing')
@Controller('v1/licence-receipt-keys')
export class LicenceReceiptKeysController {
  constructor(private readonly keys: LicenceReceiptKeys) {}

  @Get()
  @Roles('admin', 'finance')
  @ApiOperation({ summary: 'The keys that sign licence receipts, newest first, expired ones too' })
  @ApiOk(ReceiptKeysResponse, { problems: [401, 403, 429] })
  async list(): Promise<ReceiptKeysResponse> {
    return { data: await this.keys.list() };
  }

  @Post()
  @Roles('admin')
  @FailClosed()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate: a new key signs receipts from now on',
    description:
      'The key named by `retiringKid` (the one signing now) stops signing and stays in /.well-known/jwks.json for RECEIPT_KEY_VERIFY_DAYS (default 400), so receipts it signed still verify; every api process signs with the new key from the moment this answers (the change is notified). Naming a key that is not signing (a repeated request, or a stale view) is 409 `receipt-key-not-signing` with the `signingKid`.',
  })
  @ApiCreated(ReceiptKeyResponse, { problems: [400, 401, 403, 409, 413, 429, 503] })
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: RotateReceiptKeyDto,
  ): Promise<ReceiptKeyResponse> {
    const [created] = await this.keys.rotate(principal, dto.retiringKid);
    return created;
  }
}
