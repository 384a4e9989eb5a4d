import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ApiOk } from '../common/openapi/answers';
import { LicenceAnswersResponse, LicenceQuestionsDto } from './dto/licence-check.dto';
import { answersJson } from './licence-answer-json';
import { LicenceCheckService } from './licence-check.service';
import { readQuestions } from './licence-question-input';

/** POST only: GET /v1/licence-check is served beside Nest (licence-check.route.ts). */
@ApiTags('licensing')
@Roles('licensee')
@Controller('v1/licence-check')
export class LicenceCheckController {
  constructor(private readonly licences: LicenceCheckService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 1000 licence questions at once' })
  @ApiOk(LicenceAnswersResponse, { problems: [400, 401, 403, 413, 429] })
  // Typed `unknown` so the global ValidationPipe passes it by: readQuestions checks it by hand
  // with the DTO's rules, and hands anything it does not accept to the same pipe.
  @ApiBody({ type: LicenceQuestionsDto })
  // The body is written as bytes (licence-answer-json.ts): the same JSON, faster.
  @Header('Content-Type', 'application/json; charset=utf-8')
  async many(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<Buffer> {
    const { questions } = await readQuestions(body);
    return answersJson(await this.licences.check(principal, questions));
  }
}
