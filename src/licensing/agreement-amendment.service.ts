import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { todayUtc } from '../common/validation/calendar-date';
import { isCalendarDate } from '../common/validation/calendar-date';
import { AuditService } from '../organizations/audit.service';
import { lockAndRefuseOverlap } from './agreement-overlap';
import {
  amendment,
  amendmentsOf,
  AmendmentRow,
  insertAmendment,
  lastAcceptedEffectiveOn,
  latestAmendment,
  markAmendmentAccepted,
  offerNow,
  pendingAmendment,
} from './agreement-amendment.queries';
import { AgreementRow, readAgreement, toAgreementResponse } from './agreement-row';
import { AgreementVersionResponse, CreateAmendmentDto } from './dto/agreement-amendment.dto';
import { LicenseeAgreements } from './licensee-agreements';
import { OfferTerms } from './offer-terms';

function toVersionResponse(row: AmendmentRow): AgreementVersionResponse {
  return {
    agreementId: row.agreement_id,
    version: row.version,
    status: row.status,
    effectiveOn: row.effective_on,
    offerId: row.offer_id,
    offerVersion: row.offer_version,
    terms: row.terms,
    termsHash: row.terms_hash.toString('hex'),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function originalVersion(row: AgreementRow): AgreementVersionResponse {
  return {
    agreementId: row.id,
    version: 1,
    status: row.status === 'proposed' ? 'proposed' : 'accepted',
    effectiveOn: row.starts_on,
    offerId: row.offer_id,
    offerVersion: row.offer_version,
    terms: row.terms,
    termsHash: row.terms_hash.toString('hex'),
    acceptedAt: null,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Amendments: an active agreement moves to its offer's newer version from an effective date.
 * The licensee adopts the new version directly (the offer stands open to it, as when it accepted
 * the offer); the publisher proposes it and the licensee accepts. Never retroactive, so figures
 * already calculated keep the terms they were calculated with.
 */
@Injectable()
export class AgreementAmendmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly licenseeAgreements: LicenseeAgreements,
  ) {}

  async versions(actor: Principal, agreementId: string): Promise<AgreementVersionResponse[]> {
    const agreement = await readAgreement(this.dataSource.manager, actor, agreementId);
    const amendments = await amendmentsOf(this.dataSource, agreement.id);
    return [originalVersion(agreement), ...amendments.map(toVersionResponse)];
  }

  async amend(
    actor: Principal,
    agreementId: string,
    dto: CreateAmendmentDto,
    idempotency?: IdempotentRequest,
  ): Promise<AgreementVersionResponse> {
    const effectiveOn = dto.effectiveOn ?? todayUtc();
    if (!isCalendarDate(effectiveOn)) {
      throw new RequestValidationFailed([
        { field: 'effectiveOn', messages: ['effectiveOn is not a calendar date'] },
      ]);
    }
    let changedLicensee: string | null = null;
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const agreement = await this.lockActive(manager, actor, agreementId);
      changedLicensee = agreement.licensee_id;
      const pending = await pendingAmendment(manager, agreement.id);
      if (pending) {
        throw new Conflict(
          'amendment-pending',
          `Amendment ${pending.version} of agreement ${agreement.id} awaits the licensee's acceptance`,
          { version: pending.version },
        );
      }
      const offer = await offerNow(manager, agreement.offer_id);
      if (offer.status !== 'active') {
        throw new Conflict('offer-retired', `Offer ${agreement.offer_id} is retired`, {
          offerId: agreement.offer_id,
          state: offer.status,
        });
      }
      const latest = await this.latestVersion(manager, agreement);
      if (offer.version <= latest.offerVersion) {
        throw new Conflict(
          'amendment-unchanged',
          `Agreement ${agreement.id} already has offer version ${latest.offerVersion}; revise the offer first`,
          { offerVersion: latest.offerVersion },
        );
      }
      await this.refuseEffectiveDate(manager, agreement, effectiveOn);
      const version = latest.version + 1;
      const accepted = actor.role === 'licensee';
      if (accepted) await this.refuseOverlapFrom(manager, agreement, offer.terms, effectiveOn);
      await insertAmendment(manager, {
        agreementId: agreement.id,
        version,
        licenseeId: agreement.licensee_id,
        publisherId: agreement.publisher_id,
        offerId: agreement.offer_id,
        offer,
        effectiveOn,
        accepted,
        principalId: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: accepted ? 'agreement.amend' : 'agreement.propose-amendment',
        resourceId: agreement.id,
        resourceOrganizationId: agreement.publisher_id,
        details: {
          version,
          offerVersion: offer.version,
          effectiveOn,
          termsHash: offer.terms_hash.toString('hex'),
        },
      });
      return { status: 201, body: await this.readVersion(manager, agreement.id, version) };
    });
    if (changedLicensee) this.licenseeAgreements.forget(changedLicensee);
    return result.body;
  }

  /** The licensee accepts the publisher's proposed amendment, checked again as of today. */
  async accept(
    actor: Principal,
    agreementId: string,
    version: number,
  ): Promise<AgreementVersionResponse> {
    const response = await this.dataSource.transaction(async (manager) => {
      const agreement = await this.lockActive(manager, actor, agreementId);
      if (agreement.licensee_id !== actor.organizationId) {
        throw new ResourceNotFound('agreement', agreementId);
      }
      const proposed = await amendment(manager, agreement.id, version);
      if (!proposed) throw new ResourceNotFound('agreement-amendment', String(version));
      if (proposed.status !== 'proposed') {
        throw new Conflict(
          'invalid-transition',
          `Amendment ${version} of agreement ${agreement.id} is ${proposed.status}; only a proposed amendment can be accepted`,
          { state: proposed.status },
        );
      }
      await this.refuseEffectiveDate(manager, agreement, proposed.effective_on);
      await this.refuseOverlapFrom(manager, agreement, proposed.terms, proposed.effective_on);
      await markAmendmentAccepted(manager, agreement.id, version, actor.id);
      await this.audit.record(manager, actor, {
        action: 'agreement.accept-amendment',
        resourceId: agreement.id,
        resourceOrganizationId: agreement.publisher_id,
        details: { version, effectiveOn: proposed.effective_on },
      });
      return this.readVersion(manager, agreement.id, version);
    });
    this.licenseeAgreements.forget(actor.organizationId);
    return response;
  }

  /** The agreement, locked; only an active one (in its term) can be amended: 409 naming the state. */
  private async lockActive(
    manager: EntityManager,
    actor: Principal,
    agreementId: string,
  ): Promise<AgreementRow> {
    const agreement = await readAgreement(manager, actor, agreementId, true);
    const state = toAgreementResponse(agreement).status;
    if (state !== 'active') {
      throw new Conflict(
        'invalid-transition',
        `Agreement ${agreement.id} is ${state}; only an active agreement can be amended`,
        { state },
      );
    }
    return agreement;
  }

  private async latestVersion(
    manager: EntityManager,
    agreement: AgreementRow,
  ): Promise<{ version: number; offerVersion: number; effectiveOn: string }> {
    const last = await latestAmendment(manager, agreement.id);
    return last
      ? { version: last.version, offerVersion: last.offer_version, effectiveOn: last.effective_on }
      : {
          version: 1,
          offerVersion: agreement.offer_version,
          effectiveOn: agreement.starts_on as string,
        };
  }

  /** Not in the past, inside the agreement's days, after every accepted version's first day. */
  private async refuseEffectiveDate(
    manager: EntityManager,
    agreement: AgreementRow,
    effectiveOn: string,
  ): Promise<void> {
    const today = todayUtc();
    const startsOn = agreement.starts_on as string;
    const lastDay = agreement.ends_on;
    const after = await lastAcceptedEffectiveOn(manager, agreement.id);
    const problem =
      effectiveOn < today
        ? `effectiveOn is in the past (today is ${today}): amendments are never retroactive`
        : effectiveOn < startsOn
          ? `effectiveOn is before the agreement starts (${startsOn})`
          : lastDay !== null && effectiveOn > lastDay
            ? `effectiveOn is after the agreement's last day (${lastDay})`
            : after !== null && effectiveOn <= after
              ? `effectiveOn must be after the last amendment's first day (${after})`
              : null;
    if (problem) throw new RequestValidationFailed([{ field: 'effectiveOn', messages: [problem] }]);
  }

  /** From the effective date to the agreement's last day, against the licensee's other agreements. */
  private refuseOverlapFrom(
    manager: EntityManager,
    agreement: AgreementRow,
    terms: OfferTerms,
    effectiveOn: string,
  ): Promise<void> {
    const period = { startsOn: effectiveOn, endsOn: agreement.ends_on };
    return lockAndRefuseOverlap(manager, agreement, terms, period, agreement.id);
  }

  private async readVersion(
    manager: EntityManager,
    agreementId: string,
    version: number,
  ): Promise<AgreementVersionResponse> {
    const row = await amendment(manager, agreementId, version);
    return toVersionResponse(row!);
  }
}
