import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { CATALOGUE_IMPORTS_ROUTE } from './catalogue/imports/catalogue-imports.controller';
import { answerFrameworkError } from './common/errors/framework-errors';
import { registerJsonBodyParser } from './common/errors/json-body-parser';
import { registerInputGuard } from './common/validation/input-guard';
import { registerStreamedBodies } from './common/streaming-body';
import { registerXmlBodies } from './common/xml-body';
import { correlationIdFromHeaders, newRequestId } from './common/request-id';
import { Environment } from './config/environment';
import { consoleDirectory, serveConsole } from './console/serve-console';
import { registerLicenceCheckRoute } from './licensing/licence-check.route';
import { RSL_BODY_TYPES, RSL_IMPORT_ROUTE } from './licensing/rsl/rsl-vocabulary';
import { setupOpenApi } from './openapi';
import { STRIPE_WEBHOOK_ROUTE } from './stripe/stripe-webhooks.controller';
import { USAGE_REPORTS_ROUTE } from './usage/usage-reports.controller';

/** The HTTP application, initialised but not listening: main.ts listens, tests inject. */
export async function createApp(env: Environment): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    // On close: drop idle keep-alive sockets at once, let in-flight requests finish.
    forceCloseConnections: 'idle',
    logger: false,
    // request.ip, which per-address rate limits count: the socket's peer unless TRUST_PROXY
    // names the proxies whose X-Forwarded-For to believe.
    trustProxy: env.TRUST_PROXY,
    // One id per request, always ours (the audit trail stores it): pino-http logs it, errors quote
    // it. A caller's own id is its correlation id, kept beside (request-id.ts).
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    // A malformed path or an overlong path parameter answers as problem+json too.
    frameworkErrors: answerFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ env, process: 'api' }),
    adapter,
    {
      bufferLogs: true,
      // Our parsers only: JSON (bad JSON answers as problem+json), streamed NDJSON/CSV uploads, XML (RSL).
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  // request.cookies and reply.setCookie/clearCookie: the console's session cookie (rl_session).
  await app.register(fastifyCookie);
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify, [STRIPE_WEBHOOK_ROUTE]);
  registerStreamedBodies(fastify, [CATALOGUE_IMPORTS_ROUTE, USAGE_REPORTS_ROUTE]);
  registerXmlBodies(fastify, RSL_BODY_TYPES, [RSL_IMPORT_ROUTE], env.BODY_LIMIT_BYTES);
  registerInputGuard(fastify);
  fastify.decorateRequest('correlationId', null);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    request.correlationId = correlationIdFromHeaders(request.headers);
    if (request.correlationId) void reply.header('X-Correlation-Id', request.correlationId);
    done();
  });
  registerLicenceCheckRoute(app);
  setupOpenApi(app);
  await serveConsole(fastify, consoleDirectory(env.CONSOLE_DIR));
  await app.init();
  return app;
}
