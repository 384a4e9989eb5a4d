import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PayeeService } from '../catalogue/payee.service';
import { Principal } from '../common/auth/principal';
import { Conflict } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { AuditService } from '../organizations/audit.service';
import {
  CreatePayeeHoldDto,
  HoldRole,
  PayeeHoldResponse,
  PayeeHoldRow,
  toPayeeHoldResponse,
} from './dto/payee-hold.dto';
import {
  LOCK_OPEN_HOLD,
  PLACE_HOLD,
  RELEASE_HOLD,
  TAKE_OVER_FOR_FINANCE,
} from './payee-holds.queries';

/**
 * Holds stop a payee's payouts: a held payee is left out of new payout runs, and an item of an
 * approved run whose payee is held before it is sent is cancelled (its money payable again).
 * One open hold per payee (a partial unique index). Finance holds and releases any payee; a
 * publisher its own (another's is 404, through the catalogue's scoped lookup), but never releases
 * a hold finance placed (409 `payee-hold-placed-by-finance`): finance's brake stays finance's.
 */
@Injectable()
export class PayeeHoldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payees: PayeeService,
    private readonly audit: AuditService,
  ) {}

  async hold(
    actor: Principal,
    payeeId: string,
    dto: CreatePayeeHoldDto,
  ): Promise<PayeeHoldResponse> {
    const payee = await this.payees.reference(actor, payeeId);
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<PayeeHoldRow[]>(PLACE_HOLD, [
        newId(),
        payee.id,
        payee.organizationId,
        dto.reason.trim(),
        actor.id,
        holdRole(actor),
      ]);
      const held = row ?? (await this.takeOverForFinance(manager, actor, payee.id, dto.reason));
      if (!held)
        throw new Conflict('payee-already-on-hold', `Payee ${payee.id} is already on hold`);
      await this.audit.record(manager, actor, {
        action: 'payee.hold',
        resourceId: payee.id,
        resourceOrganizationId: payee.organizationId,
        details: {
          holdId: held.id,
          reason: held.reason,
          heldByRole: held.held_by_role,
          ...(row ? {} : { takenOverFrom: 'publisher' }),
        },
      });
      return toPayeeHoldResponse(held);
    });
  }

  /**
   * Finance holding a payee its publisher already holds: the one open hold becomes finance's
   * (its reason, its principal), so the publisher can no longer release it. Otherwise a
   * publisher's hold would shield the payee from finance's: refused as already on hold, then
   * released by the publisher. Nothing for a publisher, nor over finance's own hold.
   */
  private async takeOverForFinance(
    manager: EntityManager,
    actor: Principal,
    payeeId: string,
    reason: string,
  ): Promise<PayeeHoldRow | null> {
    if (holdRole(actor) !== 'finance') return null;
    const [rows] = await manager.query<[PayeeHoldRow[], number]>(TAKE_OVER_FOR_FINANCE, [
      payeeId,
      actor.id,
      reason.trim(),
    ]);
    return rows[0] ?? null;
  }

  async release(actor: Principal, payeeId: string): Promise<PayeeHoldResponse> {
    const payee = await this.payees.reference(actor, payeeId);
    return this.dataSource.transaction(async (manager) => {
      const [open] = await manager.query<PayeeHoldRow[]>(LOCK_OPEN_HOLD, [payee.id]);
      if (!open) throw new Conflict('payee-not-on-hold', `Payee ${payee.id} is not on hold`);
      const role = holdRole(actor);
      if (role === 'publisher' && open.held_by_role === 'finance') {
        throw new Conflict(
          'payee-hold-placed-by-finance',
          `Payee ${payee.id} was put on hold by finance; only finance can release it`,
          { holdId: open.id, heldAt: open.held_at.toISOString(), heldByRole: open.held_by_role },
        );
      }
      const [rows] = await manager.query<[PayeeHoldRow[], number]>(RELEASE_HOLD, [
        open.id,
        actor.id,
        role,
      ]);
      const row = rows[0];
      await this.audit.record(manager, actor, {
        action: 'payee.release',
        resourceId: payee.id,
        resourceOrganizationId: payee.organizationId,
        details: { holdId: row.id, heldByRole: row.held_by_role },
      });
      return toPayeeHoldResponse(row);
    });
  }
}

/** The route admits finance and publishers only (`@Roles`); anything else is a programming error. */
function holdRole(actor: Principal): HoldRole {
  if (actor.role === 'finance' || actor.role === 'publisher') return actor.role;
  throw new TypeError(`role ${actor.role} cannot hold payees`);
}
