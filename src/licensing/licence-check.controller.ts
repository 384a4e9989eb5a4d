import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import {
  LicenceAnswerResponse,
  LicenceAnswersResponse,
  LicenceQuestionDto,
  LicenceQuestionsDto,
} from './dto/licence-check.dto';
import { LicenceCheckService } from './licence-check.service';

@ApiTags('licensing')
@Roles('licensee')
@Controller('v1/licence-check')
export class LicenceCheckController {
  constructor(private readonly licences: LicenceCheckService) {}

  @Get()
  @ApiOperation({
    summary: 'Do I hold a licence for this use of this work?',
    description: 'The agreement and rate when licensed; otherwise why not.',
  })
  @ApiOk(LicenceAnswerResponse, { problems: [400, 401, 403, 429] })
  async one(
    @CurrentPrincipal() principal: Principal,
    @Query() question: LicenceQuestionDto,
  ): Promise<LicenceAnswerResponse> {
    const [answer] = await this.licences.check(principal, [question], 'query');
    return answer;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 1000 licence questions at once' })
  @ApiOk(LicenceAnswersResponse, { problems: [400, 401, 403, 413, 429] })
  async many(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: LicenceQuestionsDto,
  ): Promise<LicenceAnswersResponse> {
    return { answers: await this.licences.check(principal, dto.questions) };
  }
}
