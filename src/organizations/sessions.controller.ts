import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AnyRole,
  CurrentPrincipal,
  CurrentSession,
  Public,
  type RequestSession,
} from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import {
  clearedSessionCookieOptions,
  cookieSettingsOf,
  SESSION_COOKIE,
  sessionCookieOptions,
} from '../common/auth/session-cookie';
import { ApiProblems } from '../common/errors/api-problems';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../common/errors/problem';
import { ApiOk } from '../common/openapi/answers';
import { RateLimit } from '../common/rate-limit/rate-limit-policy';
import { AppConfig } from '../config/app-config';
import { CreateSessionDto } from './dto/create-session.dto';
import { SessionResponse } from './dto/session.response';
import { SessionService } from './session.service';

const SET_COOKIE_HEADER = {
  'Set-Cookie': {
    description:
      'rl_session=<token>; Max-Age=<SESSION_MAX_AGE_SECONDS>; Path=/; HttpOnly; SameSite=Strict; Secure (Secure unless NODE_ENV=development)',
    schema: { type: 'string' },
  },
};

/**
 * The console's sign-in: an API key exchanged for a server-side session held in an HttpOnly
 * cookie (docs/SECURITY.md, "Console sessions"). Machines keep using bearer keys.
 */
@ApiTags('sessions')
@Controller('v1')
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  /*
   * Login CSRF (another site signing the browser in under the attacker's key): the route reads
   * only a JSON body — a cross-site form can send text/plain, urlencoded or multipart only, and
   * none of those is an object with an `apiKey` (415, or 400) — and the cookie it sets is
   * SameSite=Strict, so a page of another site never sends it back. Hence no CSRF token here:
   * there is no session yet to derive one from.
   */
  @Post('sessions')
  @Public()
  @RateLimit({ perAddress: 'PUBLIC_RATE_LIMIT_PER_MINUTE' })
  @ApiOperation({
    summary: 'Sign in to the console',
    description:
      'Exchanges an API key for a session cookie (rl_session, HttpOnly, SameSite=Strict). Requests with the cookie and no Authorization header act as the key would; changes must also send X-CSRF-Token: the answer’s csrfToken. A wrong or revoked key is a 401 counted against the client address like a bad bearer key (429 authentication-rate-limited past AUTH_FAILURES_PER_MINUTE).',
  })
  @ApiCreatedResponse({ type: SessionResponse, headers: SET_COOKIE_HEADER })
  @ApiProblems(400, 401, 429)
  async create(
    @Body() dto: CreateSessionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    const { session, token } = await this.sessions.signIn(dto.apiKey, {
      ip: request.ip,
      id: request.id,
      userAgent: request.headers['user-agent'],
      correlationId: request.correlationId,
    });
    void reply.setCookie(
      SESSION_COOKIE,
      token,
      sessionCookieOptions(cookieSettingsOf(this.config)),
    );
    return session;
  }

  @Get('session')
  @AnyRole()
  @ApiOperation({
    summary: 'The current console session',
    description:
      'The session the rl_session cookie names, with its csrfToken (a reloaded page learns it here). A request made with a bearer key has no session: 404 no-session.',
  })
  @ApiOk(SessionResponse, { problems: [401, 429] })
  @ApiResponse(noSessionResponse())
  current(@CurrentSession() session: RequestSession | null): Promise<SessionResponse> {
    return this.sessions.current(session);
  }

  @Delete('session')
  @HttpCode(204)
  @AnyRole()
  @ApiOperation({
    summary: 'Sign out of the console',
    description:
      'Ends the session (its cookie stops working at once) and clears the cookie (Max-Age=0). Needs X-CSRF-Token like every change made with the cookie (403 csrf-token-invalid). A bearer key has no session: 404 no-session.',
  })
  @ApiNoContentResponse({
    description: 'Signed out; the cookie is cleared',
    headers: SET_COOKIE_HEADER,
  })
  @ApiResponse(noSessionResponse())
  @ApiProblems(401, 403, 429)
  async end(
    @CurrentPrincipal() principal: Principal,
    @CurrentSession() session: RequestSession | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.signOut(principal, session);
    void reply.clearCookie(
      SESSION_COOKIE,
      clearedSessionCookieOptions(cookieSettingsOf(this.config)),
    );
  }
}

function noSessionResponse() {
  const detail =
    'This request was not made with a console session (an API key has none): sign in with POST /v1/sessions';
  return {
    status: 404,
    description: 'No console session: the request was made with a bearer key',
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        example: {
          type: `${PROBLEM_TYPE_BASE}no-session`,
          title: 'No session',
          status: 404,
          detail,
          requestId: '7f1c2a9e-0b7d-4a51-9f3e-2c1d0e9b8a76',
        },
      },
    },
  };
}
