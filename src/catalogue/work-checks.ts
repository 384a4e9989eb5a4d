import { EntityManager } from 'typeorm';
import { BadRequest, Conflict } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import {
  defaultPayee,
  identifierHeldElsewhere,
  payeesAmong,
  workWithExternalId,
} from './work.queries';
import { SplitShare } from './work-rules';

/**
 * What a work's write checks against the publisher's other rows, inside the write's transaction:
 * its payees exist, its external id and identifiers are not another of its works'. Each refuses
 * with the error the API documents.
 */

/** The payee a work without splits pays in full (400 when the publisher has none). */
export async function defaultPayeeId(
  manager: EntityManager,
  organizationId: string,
): Promise<string> {
  const payee = await defaultPayee(manager, organizationId);
  if (!payee)
    throw new BadRequest('no-default-payee', 'This organization has no default payee; give splits');
  return payee.id;
}

export async function assertPayeesExist(
  manager: EntityManager,
  organizationId: string,
  splits: SplitShare[],
): Promise<void> {
  const ids = splits.map((split) => split.payeeId);
  const found = await payeesAmong(manager, organizationId, ids);
  const known = new Set(found.map((row) => row.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new RequestValidationFailed(
      splits
        .map((split, index) => ({ split, index }))
        .filter(({ split }) => unknown.includes(split.payeeId))
        .map(({ split, index }) => ({
          field: `splits.${index}.payeeId`,
          messages: [`payee ${split.payeeId} is not one of this publisher's payees`],
        })),
    );
  }
}

export async function assertExternalIdFree(
  manager: EntityManager,
  organizationId: string,
  externalId: string,
  self: string | null,
): Promise<void> {
  const existing = await workWithExternalId(manager, organizationId, externalId, self);
  if (existing) {
    throw new Conflict(
      'external-id-taken',
      `externalId ${externalId} is already work ${existing.id}`,
      {
        existingWorkId: existing.id,
      },
    );
  }
}

export async function assertIdentifiersFree(
  manager: EntityManager,
  organizationId: string,
  identifiers: string[],
  self: string | null,
): Promise<void> {
  if (identifiers.length === 0) return;
  const existing = await identifierHeldElsewhere(manager, organizationId, identifiers, self);
  if (existing) {
    throw new Conflict(
      'identifier-taken',
      `${existing.identifier} is already registered to your work ${existing.work_id}`,
      { identifier: existing.identifier, existingWorkId: existing.work_id },
    );
  }
}
