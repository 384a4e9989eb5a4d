import { ValidationPipe } from '@nestjs/common';
import { validationExceptionFactory } from '../errors/validation-error';

/**
 * The global ValidationPipe: whitelist, unknown fields refused, transform; errors as problem+json
 * 400 validation-failed. One definition, so a route that validates by hand (the licence check)
 * can fall back to the very same rules and wording for anything its own check does not accept.
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: validationExceptionFactory,
  });
}
