import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { todayUtc } from '../common/validation/calendar-date';
import { isCalendarDate } from '../common/validation/calendar-date';
import { PayeeService } from '../catalogue/payee.service';
import { Principal } from '../common/auth/principal';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { newId } from '../common/ids';
import { LedgerService } from '../ledger/ledger.service';
import { AuditService } from '../organizations/audit.service';
import { CreatePayeeAdvanceDto, PayeeAdvanceResponse } from './dto/payee-advance.dto';
import {
  defaultPayee as findDefaultPayee,
  insertPayeeAdvance,
  outstandingAdvance,
} from './payee-advance.queries';

/**
 * A publisher records an advance it paid an author outside the platform. The ledger carries the
 * author's debt as a memo pair — the author's payee-advance account debited, the publisher's
 * default payee's credited — which royalty runs unwind as the author's earnings repay it to the
 * default payee (calculation/repay-advances.ts).
 */
@Injectable()
export class PayeeAdvanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payees: PayeeService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  async record(
    actor: Principal,
    payeeId: string,
    dto: CreatePayeeAdvanceDto,
    idempotency?: IdempotentRequest,
  ): Promise<PayeeAdvanceResponse> {
    const payee = await this.payees.get(actor, payeeId);
    const paidOn = dto.paidOn ?? todayUtc();
    const errors = [];
    if (!isCalendarDate(paidOn))
      errors.push({ field: 'paidOn', messages: ['paidOn is not a calendar date'] });
    if (payee.isDefault) {
      errors.push({
        field: 'payeeId',
        messages: ['the default payee is the publisher itself: it cannot owe itself an advance'],
      });
    }
    if (errors.length) throw new RequestValidationFailed(errors);
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const [defaultPayee] = await findDefaultPayee(manager, actor.organizationId);
      const id = newId();
      const amount = BigInt(dto.amount);
      const transaction = await this.ledger.post(manager, {
        idempotencyKey: `payee-advance:${id}`,
        reason: `advance paid to payee ${payee.id} outside the platform`,
        refs: { payeeAdvanceId: id, payeeId: payee.id },
        postings: [
          {
            account: {
              type: 'payee-advance',
              ownerId: payee.id,
              organizationId: actor.organizationId,
              currency: dto.currency,
            },
            amount,
          },
          {
            account: {
              type: 'payee-advance',
              ownerId: defaultPayee.id,
              organizationId: actor.organizationId,
              currency: dto.currency,
            },
            amount: -amount,
          },
        ],
      });
      await insertPayeeAdvance(manager, {
        id,
        payeeId: payee.id,
        publisherId: actor.organizationId,
        currency: dto.currency,
        amount: String(amount),
        paidOn,
        reference: dto.reference ?? null,
        transactionId: transaction.id,
        recordedBy: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'payee-advance.create',
        resourceType: 'payee',
        resourceId: payee.id,
        resourceOrganizationId: actor.organizationId,
        details: { advanceId: id, amount: String(amount), currency: dto.currency },
      });
      const outstanding = await outstandingAdvance(manager, payee.id, dto.currency);
      const body: PayeeAdvanceResponse = {
        id,
        payeeId: payee.id,
        amount: dto.amount,
        currency: dto.currency,
        paidOn,
        reference: dto.reference ?? null,
        outstanding: Number(outstanding),
      };
      return { status: 201, body };
    });
    return result.body;
  }
}
