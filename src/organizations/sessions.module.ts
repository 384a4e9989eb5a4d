import { Module } from '@nestjs/common';
import { SessionResolver } from '../common/auth/session-resolver';
import { OrganizationsModule } from './organizations.module';
import { SessionService } from './session.service';
import { SessionsController } from './sessions.controller';

/**
 * The console's sign-in sessions. A module of its own beside OrganizationsModule because it
 * counts failed sign-ins in Redis (the rate limiter), which the command line (CliModule, no
 * Redis) must not need; it serves the api and the guard (SessionResolver).
 */
@Module({
  imports: [OrganizationsModule],
  controllers: [SessionsController],
  providers: [SessionService, { provide: SessionResolver, useExisting: SessionService }],
  exports: [SessionResolver],
})
export class SessionsModule {}
