import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  enforceRateLimit,
  forbiddenRole,
  principalLimitDetail,
  RequestAuthentication,
} from '../common/auth/request-authentication';
import { answerProblem } from '../common/errors/problem.filter';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { logRequestCompleted } from '../logging';
import { answerJson } from './licence-answer-json';
import { LicenceCheckService } from './licence-check.service';
import { readQuestion } from './licence-question-input';

export const LICENCE_CHECK_ROUTE = '/v1/licence-check';

/**
 * GET /v1/licence-check, served by Fastify beside Nest's pipeline on the same instance: a crawler
 * asks it for every page, and Nest's guard, interceptors and pipes alone cost more than the whole
 * answer (docs/LICENSING.md, issue 21). It does what the guard and the controller did, in the
 * same order and words: the API key (or session cookie) → principal (401), the per-principal
 * rate limit (429, RateLimit-* headers) counted in the process and reconciled with Redis every
 * RATE_LIMIT_SYNC_MS, the licensee role (403), the question read by hand with the DTO's rules
 * (400s worded by the ValidationPipe itself), then LicenceCheckService as the POST form uses it.
 * The global hooks still run: request id and correlation id, the input guard, request logging.
 * POST /v1/licence-check stays a Nest route. The OpenAPI document describes this one by hand
 * (licence-check.openapi.ts).
 */
export function registerLicenceCheckRoute(app: NestFastifyApplication): void {
  const authentication = app.get(RequestAuthentication);
  const rateLimiter = app.get(RateLimiter);
  const licences = app.get(LicenceCheckService);
  const limit = app.get(AppConfig).get('RATE_LIMIT_PER_MINUTE');
  const detail = principalLimitDetail(limit);

  app
    .getHttpAdapter()
    .getInstance()
    .get(
      LICENCE_CHECK_ROUTE,
      // Errors of the route and of the global hooks before it (the input guard): problem+json,
      // as the problem filter answers Nest's routes.
      {
        errorHandler: (error, request, reply) => answerProblem(error, request, reply),
        // Not pino-http's middleware (logging.ts): the same line, built only when written.
        onResponse: (request, reply, done) => {
          logRequestCompleted(request, reply);
          done();
        },
      },
      async (request, reply) => {
        const { principal } = await authentication.authenticate(request, reply);
        enforceRateLimit(reply, rateLimiter.consumeHere('principal', principal.id, limit), detail);
        if (principal.role !== 'licensee') throw forbiddenRole(['licensee'], principal.role);
        const question = await readQuestion(request.query);
        const [answer] = await licences.check(principal, [question], 'query');
        return reply.type('application/json; charset=utf-8').send(answerJson(answer));
      },
    );
}
