import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors, RequestValidationFailed } from '../errors/validation-error';

/**
 * The global ValidationPipe's rules (whitelist, no unknown fields, transform) for input a route
 * cannot declare as its body or query, e.g. a body that is JSON or a stream by content type.
 */
export async function validateInput<T extends object>(
  type: ClassConstructor<T>,
  plain: unknown,
): Promise<T> {
  const instance = plainToInstance(type, plain ?? {});
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new RequestValidationFailed(flattenValidationErrors(errors));
  return instance;
}
