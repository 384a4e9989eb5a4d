import { Logger, LoggerService } from '@nestjs/common';
import pino from 'pino';
import { Environment } from './config/environment';

/**
 * JSON logs from the first line: before the application (and its nestjs-pino logger) exists,
 * Nest's static Logger writes through this plain pino instance instead of the coloured console.
 */
class PinoStartupLogger implements LoggerService {
  constructor(private readonly pino: pino.Logger) {}

  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}

export function useStartupLogger(level: Environment['LOG_LEVEL']): void {
  Logger.overrideLogger(new PinoStartupLogger(pino({ level })));
}
