import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { newId } from '../common/ids';
import { decodeCursor, Page, pageOf } from '../common/pagination/page';
import { AuditService } from '../organizations/audit.service';
import { todayUtc } from '../common/validation/calendar-date';
import { isCalendarDate } from '../common/validation/calendar-date';
import { agreementPeriod } from './agreement-rules';
import {
  AgreementResponse,
  CreateAgreementDto,
  ListAgreementsQuery,
  TerminateAgreementDto,
} from './dto/agreement.dto';
import { LicenseeAgreements } from './licensee-agreements';
import { lockAndRefuseOverlap } from './agreement-overlap';
import { readAgreement, toAgreementResponse } from './agreement-row';
import {
  agreementById,
  agreementPage,
  insertProposedAgreement,
  isLicensee,
  markActive,
  markTerminated,
  offerToAccept,
} from './agreement.queries';

/** Agreements: a licensee accepts an offer; either party may terminate it. */
@Injectable()
export class AgreementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly licenseeAgreements: LicenseeAgreements,
  ) {}

  /** After a commit: this process's licence checks see the change at once (others on notification). */
  private changed(agreement: AgreementResponse): AgreementResponse {
    this.licenseeAgreements.forget(agreement.licenseeId);
    return agreement;
  }

  /**
   * A licensee accepts an offer (an active agreement at once); a publisher proposes one of its
   * offers to a licensee (a proposed agreement the licensee then accepts). Either way the offer's
   * current terms are copied, never referenced.
   */
  async create(
    actor: Principal,
    dto: CreateAgreementDto,
    idempotency?: IdempotentRequest,
  ): Promise<AgreementResponse> {
    if (actor.role === 'licensee' && dto.licenseeId !== undefined) {
      throw new RequestValidationFailed([
        { field: 'licenseeId', messages: ['only a publisher proposes to a licensee'] },
      ]);
    }
    if (actor.role === 'publisher' && dto.licenseeId === undefined) {
      throw new RequestValidationFailed([
        { field: 'licenseeId', messages: ['say which licensee the offer is proposed to'] },
      ]);
    }
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const offer = await offerToAccept(
        manager,
        dto.offerId,
        actor.role === 'publisher' ? actor.organizationId : null,
      );
      if (!offer) throw new ResourceNotFound('licence-offer', dto.offerId);
      const licenseeId = dto.licenseeId ?? actor.organizationId;
      if (dto.licenseeId !== undefined && !(await isLicensee(manager, dto.licenseeId))) {
        throw new ResourceNotFound('licensee', dto.licenseeId);
      }
      const id = newId();
      const proposedBy = actor.role === 'publisher' ? actor.id : null;
      await insertProposedAgreement(manager, id, licenseeId, offer, proposedBy);
      await this.audit.record(manager, actor, {
        action: actor.role === 'publisher' ? 'agreement.propose' : 'agreement.create',
        resourceId: id,
        resourceOrganizationId: offer.organization_id,
        details: {
          offerId: offer.id,
          offerVersion: offer.version,
          licenseeId,
          termsHash: offer.terms_hash.toString('hex'),
        },
      });
      if (actor.role === 'licensee') await this.activate(manager, actor, id);
      return { status: 201, body: toAgreementResponse(await readAgreement(manager, actor, id)) };
    });
    return this.changed(result.body);
  }

  /** The licensee accepts a proposal; accepting anything else is a 409 naming its state. */
  async accept(actor: Principal, id: string): Promise<AgreementResponse> {
    const accepted = await this.dataSource.transaction(async (manager) => {
      const current = await readAgreement(manager, actor, id, true);
      if (current.licensee_id !== actor.organizationId) throw new ResourceNotFound('agreement', id);
      if (current.status !== 'proposed') {
        const state = toAgreementResponse(current).status;
        throw new Conflict(
          'invalid-transition',
          `Agreement ${id} is ${state}; only a proposed agreement can be accepted`,
          { state },
        );
      }
      await this.activate(manager, actor, id);
      return toAgreementResponse(await readAgreement(manager, actor, id));
    });
    return this.changed(accepted);
  }

  /** proposed → active: the period is fixed from today, after the overlap check. */
  private async activate(manager: EntityManager, actor: Principal, id: string): Promise<void> {
    const agreement = await agreementById(manager, id);
    const period = agreementPeriod(agreement.terms.term, todayUtc());
    await lockAndRefuseOverlap(manager, agreement, agreement.terms, period);
    await markActive(manager, id, period, actor.id);
    await this.audit.record(manager, actor, {
      action: 'agreement.accept',
      resourceId: id,
      resourceOrganizationId: agreement.publisher_id,
      details: { startsOn: period.startsOn, endsOn: period.endsOn },
    });
  }

  async get(actor: Principal, id: string): Promise<AgreementResponse> {
    return toAgreementResponse(await readAgreement(this.dataSource.manager, actor, id));
  }

  /** Both parties see their agreements, newest first; nobody else sees them. */
  async list(actor: Principal, query: ListAgreementsQuery): Promise<Page<AgreementResponse>> {
    const limit = query.limit ?? 50;
    const today = todayUtc();
    const rows = await agreementPage(this.dataSource, {
      organizationId: actor.organizationId,
      limit: limit + 1,
      before: query.cursor ? decodeCursor(query.cursor) : null,
      status: query.status,
      today,
    });
    const data = rows.slice(0, limit).map((row) => toAgreementResponse(row, today));
    return pageOf(data, rows.length > limit);
  }

  /** Either party ends it from a date on; ending it again answers 409 naming the state. */
  async terminate(
    actor: Principal,
    id: string,
    dto: TerminateAgreementDto,
  ): Promise<AgreementResponse> {
    const effectiveOn = dto.effectiveOn ?? todayUtc();
    if (!isCalendarDate(effectiveOn)) {
      throw new RequestValidationFailed([
        { field: 'effectiveOn', messages: ['effectiveOn is not a calendar date'] },
      ]);
    }
    const terminated = await this.dataSource.transaction(async (manager) => {
      const current = await readAgreement(manager, actor, id, true);
      const state = toAgreementResponse(current).status;
      if (state !== 'active') {
        throw new Conflict(
          'invalid-transition',
          `Agreement ${id} is ${state}; only an active agreement can be terminated`,
          { state },
        );
      }
      if (current.starts_on !== null && effectiveOn < current.starts_on) {
        throw new RequestValidationFailed([
          {
            field: 'effectiveOn',
            messages: [`effectiveOn is before the agreement starts (${current.starts_on})`],
          },
        ]);
      }
      const lastDay =
        current.ends_on !== null && current.ends_on < effectiveOn ? current.ends_on : effectiveOn;
      await markTerminated(manager, id, lastDay, actor.id);
      await this.audit.record(manager, actor, {
        action: 'agreement.terminate',
        resourceId: id,
        resourceOrganizationId: current.publisher_id,
        details: { terminatedOn: lastDay, by: actor.organizationKind },
      });
      return toAgreementResponse(await readAgreement(manager, actor, id));
    });
    return this.changed(terminated);
  }
}
