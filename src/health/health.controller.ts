import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/auth/decorators';
import { RateLimit } from '../common/rate-limit/rate-limit-policy';
import { DomainError } from '../common/errors/domain-error';
import { ApiOk } from '../common/openapi/answers';
import { RedisHealthIndicator } from './redis.health';

class LiveResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: 'ok';
}

class ReadyChecks {
  @ApiProperty({ enum: ['up'], example: 'up' }) database!: 'up';
  @ApiProperty({ enum: ['up'], example: 'up' }) redis!: 'up';
}

class HealthResponse extends LiveResponse {
  @ApiProperty({ type: ReadyChecks }) checks!: ReadyChecks;
}

@ApiTags('health')
@Public()
// Not limited: the orchestrator's probes must never be refused (liveness costs nothing, readiness
// one trivial query on each store).
@RateLimit({ perAddress: 'none' })
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (no dependency checked)' })
  @ApiOkResponse({ type: LiveResponse })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 names the one that does not' })
  @ApiOk(HealthResponse, { problems: [503] })
  async ready(): Promise<HealthResponse> {
    const results: HealthIndicatorResult[] = await Promise.all([
      this.database.pingCheck('database', { timeout: 1000 }).catch((error: unknown) => ({
        database: {
          status: 'down' as const,
          message: error instanceof Error ? error.message : String(error),
        },
      })),
      this.redis.ping('redis'),
    ]);
    const checks = Object.assign({}, ...results) as HealthIndicatorResult;
    const down = Object.entries(checks).filter(([, result]) => result.status !== 'up');
    if (down.length > 0) {
      throw new DomainError(
        'dependency-unavailable',
        503,
        `Not ready: ${down.map(([name]) => name).join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`,
        {
          checks: Object.fromEntries(
            Object.entries(checks).map(([name, result]) => [name, result.status]),
          ),
        },
      );
    }
    return {
      status: 'ok',
      checks: { database: 'up', redis: 'up' },
    };
  }
}
