import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PayeeService } from '../catalogue/payee.service';
import { Principal } from '../common/auth/principal';
import { Conflict } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { AuditService } from '../organizations/audit.service';
import {
  CreatePayeeHoldDto,
  PayeeHoldResponse,
  PayeeHoldRow,
  toPayeeHoldResponse,
} from './dto/payee-hold.dto';

/**
 * Holds stop a payee's payouts: a held payee is left out of new payout runs, and an item of an
 * approved run whose payee is held before it is sent is cancelled (its money payable again).
 * One open hold per payee (a partial unique index).
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
      const [row] = await manager.query<PayeeHoldRow[]>(
        `INSERT INTO payee_holds (id, payee_id, organization_id, reason, held_by_principal_id)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
        [newId(), payee.id, payee.organizationId, dto.reason.trim(), actor.id],
      );
      if (!row) throw new Conflict('payee-already-on-hold', `Payee ${payee.id} is already on hold`);
      await this.audit.record(manager, actor, {
        action: 'payee.hold',
        resourceType: 'payee',
        resourceId: payee.id,
        resourceOrganizationId: payee.organizationId,
        details: { holdId: row.id, reason: row.reason },
      });
      return toPayeeHoldResponse(row);
    });
  }

  async release(actor: Principal, payeeId: string): Promise<PayeeHoldResponse> {
    const payee = await this.payees.reference(actor, payeeId);
    return this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query<[PayeeHoldRow[], number]>(
        `UPDATE payee_holds SET released_at = now(), released_by_principal_id = $2
          WHERE payee_id = $1 AND released_at IS NULL RETURNING *`,
        [payee.id, actor.id],
      );
      const row = rows[0];
      if (!row) throw new Conflict('payee-not-on-hold', `Payee ${payee.id} is not on hold`);
      await this.audit.record(manager, actor, {
        action: 'payee.release',
        resourceType: 'payee',
        resourceId: payee.id,
        resourceOrganizationId: payee.organizationId,
        details: { holdId: row.id },
      });
      return toPayeeHoldResponse(row);
    });
  }
}
