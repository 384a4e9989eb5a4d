import { ValidationError } from 'class-validator';
import { DomainError } from './domain-error';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `principal.name` or `items.2.amount`. */
  field: string;
  messages: string[];
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export class RequestValidationFailed extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super(
      'validation-failed',
      400,
      `Invalid fields: ${errors.map((error) => error.field).join(', ')}`,
      { errors },
    );
  }
}

export function validationExceptionFactory(errors: ValidationError[]): RequestValidationFailed {
  return new RequestValidationFailed(flattenValidationErrors(errors));
}
