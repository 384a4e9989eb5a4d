import { PipeTransform } from '@nestjs/common';
import { BadRequest } from '../errors/domain-error';

/** PostgreSQL's `integer`: a path number outside it would fail in the database, not here. */
const INT4_MAX = 2_147_483_647;

/**
 * A positive whole number in a path (a version), within the `integer` column it is compared
 * with: anything else is the caller's mistake, answered 400 before the route runs.
 */
export class PositiveInt4Pipe implements PipeTransform<string, number> {
  constructor(private readonly name: string) {}

  transform(value: string): number {
    const parsed = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(parsed <= INT4_MAX)) {
      throw new BadRequest(
        'validation-failed',
        `${this.name} must be a whole number from 1 to ${INT4_MAX}`,
        {
          errors: [
            {
              field: this.name,
              messages: [`${this.name} must be a whole number from 1 to ${INT4_MAX}`],
            },
          ],
        },
      );
    }
    return parsed;
  }
}
