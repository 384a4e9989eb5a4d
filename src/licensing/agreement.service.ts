import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { newId } from '../common/ids';
import { decodeCursor, encodeCursor, Page } from '../common/pagination/page';
import { AuditService } from '../organizations/audit.service';
import { todayUtc } from '../catalogue/work-inputs';
import { isCalendarDate } from '../common/validation/calendar-date';
import { agreementPeriod } from './agreement-rules';
import {
  AgreementResponse,
  CreateAgreementDto,
  ListAgreementsQuery,
  TerminateAgreementDto,
} from './dto/agreement.dto';
import { LicenseeAgreements } from './licensee-agreements';
import { OfferTerms } from './offer-terms';
import { refuseOverlap } from './agreement-overlap';
import {
  AGREEMENT_COLUMNS,
  AgreementRow,
  readAgreement,
  toAgreementResponse,
} from './agreement-row';

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
      const [offer] = await manager.query<
        {
          id: string;
          organization_id: string;
          version: number;
          terms: OfferTerms;
          terms_hash: Buffer;
        }[]
      >(
        `SELECT id, organization_id, version, terms, terms_hash FROM licence_offers
          WHERE id = $1 AND status = 'active' AND ($2::uuid IS NULL OR organization_id = $2) FOR SHARE`,
        [dto.offerId, actor.role === 'publisher' ? actor.organizationId : null],
      );
      if (!offer) throw new ResourceNotFound('licence-offer', dto.offerId);
      const licenseeId = dto.licenseeId ?? actor.organizationId;
      if (dto.licenseeId !== undefined) {
        const [licensee] = await manager.query<{ id: string }[]>(
          `SELECT id FROM organizations WHERE id = $1 AND kind = 'licensee'`,
          [dto.licenseeId],
        );
        if (!licensee) throw new ResourceNotFound('licensee', dto.licenseeId);
      }
      const id = newId();
      await manager.query(
        `INSERT INTO agreements (id, licensee_id, publisher_id, offer_id, offer_version, terms, terms_hash, status,
                                 proposed_by_principal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed', $8)`,
        [
          id,
          licenseeId,
          offer.organization_id,
          offer.id,
          offer.version,
          JSON.stringify(offer.terms),
          offer.terms_hash,
          actor.role === 'publisher' ? actor.id : null,
        ],
      );
      await this.audit.record(manager, actor, {
        action: actor.role === 'publisher' ? 'agreement.propose' : 'agreement.create',
        resourceType: 'agreement',
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
    const [agreement] = await manager.query<AgreementRow[]>(
      `SELECT * FROM agreements WHERE id = $1`,
      [id],
    );
    const period = agreementPeriod(agreement.terms.term, todayUtc());
    // One licensee's agreements are checked one at a time, so two acceptances cannot both pass.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('agreements:' || $1))`, [
      agreement.licensee_id,
    ]);
    await refuseOverlap(
      manager,
      agreement.licensee_id,
      agreement.publisher_id,
      agreement.terms,
      period,
    );
    await manager.query(
      `UPDATE agreements SET status = 'active', starts_on = $2, ends_on = $3, accepted_by_principal_id = $4,
                             updated_at = now()
        WHERE id = $1`,
      [id, period.startsOn, period.endsOn, actor.id],
    );
    await this.audit.record(manager, actor, {
      action: 'agreement.accept',
      resourceType: 'agreement',
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
    const params: unknown[] = [actor.organizationId, limit + 1];
    let where = `(a.licensee_id = $1 OR a.publisher_id = $1)`;
    if (query.cursor) {
      params.push(decodeCursor(query.cursor));
      where += ` AND a.id < $${params.length}`;
    }
    if (query.status === 'terminated' || query.status === 'proposed') {
      where += ` AND a.status = '${query.status}'`;
    } else if (query.status) {
      params.push(today);
      const day = `$${params.length}::date`;
      where +=
        query.status === 'expired'
          ? ` AND a.status = 'active' AND a.ends_on < ${day}`
          : ` AND a.status = 'active' AND (a.ends_on IS NULL OR a.ends_on >= ${day})`;
    }
    const rows = await this.dataSource.query<AgreementRow[]>(
      `SELECT ${AGREEMENT_COLUMNS} WHERE ${where} ORDER BY a.id DESC LIMIT $2`,
      params,
    );
    const data = rows.slice(0, limit);
    return {
      data: data.map((row) => toAgreementResponse(row, today)),
      nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1].id) : null,
    };
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
      await manager.query(
        `UPDATE agreements SET status = 'terminated', terminated_on = $2, terminated_by_principal_id = $3, updated_at = now()
          WHERE id = $1`,
        [id, lastDay, actor.id],
      );
      await this.audit.record(manager, actor, {
        action: 'agreement.terminate',
        resourceType: 'agreement',
        resourceId: id,
        resourceOrganizationId: current.publisher_id,
        details: { terminatedOn: lastDay, by: actor.organizationKind },
      });
      return toAgreementResponse(await readAgreement(manager, actor, id));
    });
    return this.changed(terminated);
  }
}
