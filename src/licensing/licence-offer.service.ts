import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { assertVersion } from '../common/concurrency/if-match';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { newId } from '../common/ids';
import { Page, paginate } from '../common/pagination/page';
import { ScopedRepository, scopeOf, TenantScope } from '../common/tenancy/tenant-scope';
import { AuditService } from '../organizations/audit.service';
import {
  LicenceOfferResponse,
  LicenceOfferTermsDto,
  LicenceOfferVersionsResponse,
  ListLicenceOffersQuery,
} from './dto/licence-offer.dto';
import { LicenceOffer } from './licence-offer.entity';
import {
  insertOffer,
  offerVersions,
  organizationNames,
  retireOffer,
  reviseOffer,
  worksOfPublisherAmong,
} from './licence-offer.queries';
import { OfferTerms } from './offer-terms';
import { hashTerms, validTerms } from './offer-terms-input';

function toResponse(offer: LicenceOffer, publisherName = ''): LicenceOfferResponse {
  return {
    id: offer.id,
    publisherId: offer.organizationId,
    publisherName,
    status: offer.status,
    version: offer.version,
    terms: offer.terms,
    termsHash: offer.termsHash.toString('hex'),
    createdAt: offer.createdAt.toISOString(),
    updatedAt: offer.updatedAt.toISOString(),
    retiredAt: offer.retiredAt?.toISOString() ?? null,
  };
}

@Injectable()
export class LicenceOfferService {
  private readonly offers: ScopedRepository<LicenceOffer>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(LicenceOffer) offers: Repository<LicenceOffer>,
    private readonly audit: AuditService,
  ) {
    this.offers = new ScopedRepository(offers, 'licence-offer');
  }

  async create(
    actor: Principal,
    dto: LicenceOfferTermsDto,
    idempotency?: IdempotentRequest,
  ): Promise<LicenceOfferResponse> {
    const terms = validTerms(dto);
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      await this.assertScopeWorks(manager, actor.organizationId, terms);
      const id = newId();
      const hash = hashTerms(terms);
      await insertOffer(manager, id, actor.organizationId, terms, hash);
      await this.audit.record(manager, actor, {
        action: 'licence-offer.create',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { termsHash: hash.toString('hex') },
      });
      return {
        status: 201,
        body: await this.withName(await manager.findOneByOrFail(LicenceOffer, { id }), manager),
      };
    });
    return result.body;
  }

  /** Publishers see their own offers; licensees every publisher's active ones. */
  async list(actor: Principal, query: ListLicenceOffersQuery): Promise<Page<LicenceOfferResponse>> {
    const offers = this.offers.query(this.readScope(actor), 'offer');
    if (actor.role === 'licensee') offers.andWhere(`offer.status = 'active'`);
    if (query.status) offers.andWhere('offer.status = :status', { status: query.status });
    if (query.publisherId) {
      offers.andWhere('offer.organizationId = :publisherId', { publisherId: query.publisherId });
    }
    const page = await paginate(offers, query, (offer) => offer);
    const names = await this.publisherNames(page.data.map((offer) => offer.organizationId));
    return {
      data: page.data.map((offer) => toResponse(offer, names.get(offer.organizationId))),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Principal, id: string): Promise<LicenceOfferResponse> {
    const offer = await this.visible(this.dataSource.manager, actor, id);
    return this.withName(offer);
  }

  /** The publishers' names, by id: a licensee choosing an offer sees whose it is. */
  private async publisherNames(
    ids: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await organizationNames(manager, [...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  private async withName(
    offer: LicenceOffer,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<LicenceOfferResponse> {
    const names = await this.publisherNames([offer.organizationId], manager);
    return toResponse(offer, names.get(offer.organizationId));
  }

  /** A new version of the terms; agreements keep the version they accepted. */
  async revise(
    actor: Principal,
    id: string,
    dto: LicenceOfferTermsDto,
    expectedVersion?: number,
  ): Promise<LicenceOfferResponse> {
    const terms = validTerms(dto);
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lock(manager, actor, id);
      assertVersion('licence-offer', id, expectedVersion, current.version);
      if (current.status === 'retired') {
        throw new Conflict(
          'offer-retired',
          `Licence offer ${id} is retired and cannot be revised`,
          { state: 'retired' },
        );
      }
      const hash = hashTerms(terms);
      if (hash.equals(current.termsHash)) return this.withName(current, manager);
      await this.assertScopeWorks(manager, current.organizationId, terms);
      const version = current.version + 1;
      await reviseOffer(manager, id, version, terms, hash);
      await this.audit.record(manager, actor, {
        action: 'licence-offer.revise',
        resourceId: id,
        resourceOrganizationId: current.organizationId,
        details: { version, termsHash: hash.toString('hex') },
      });
      return this.withName(await manager.findOneByOrFail(LicenceOffer, { id }), manager);
    });
  }

  /** No new agreements on it; existing ones keep their terms. Retiring twice answers the same. */
  async retire(actor: Principal, id: string): Promise<LicenceOfferResponse> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lock(manager, actor, id);
      if (current.status === 'retired') return this.withName(current, manager);
      await retireOffer(manager, id);
      await this.audit.record(manager, actor, {
        action: 'licence-offer.retire',
        resourceId: id,
        resourceOrganizationId: current.organizationId,
      });
      return this.withName(await manager.findOneByOrFail(LicenceOffer, { id }), manager);
    });
  }

  async versions(actor: Principal, id: string): Promise<LicenceOfferVersionsResponse> {
    await this.visible(this.dataSource.manager, actor, id);
    const rows = await offerVersions(this.dataSource, id);
    return {
      data: rows.map((row) => ({
        version: row.version,
        terms: row.terms,
        termsHash: row.terms_hash.toString('hex'),
        createdAt: row.created_at.toISOString(),
      })),
    };
  }

  private readScope(actor: Principal): TenantScope {
    return actor.role === 'licensee' ? { kind: 'platform' } : scopeOf(actor);
  }

  private async visible(
    manager: EntityManager,
    actor: Principal,
    id: string,
  ): Promise<LicenceOffer> {
    const offer = await this.offers.get(this.readScope(actor), id, manager);
    // A licensee sees what is on offer; a retired offer is no longer.
    if (actor.role === 'licensee' && offer.status !== 'active')
      throw new ResourceNotFound('licence-offer', id);
    return offer;
  }

  private lock(manager: EntityManager, actor: Principal, id: string): Promise<LicenceOffer> {
    return this.offers.lock(scopeOf(actor), id, manager);
  }

  private async assertScopeWorks(
    manager: EntityManager,
    organizationId: string,
    terms: OfferTerms,
  ): Promise<void> {
    if (terms.scope.type !== 'works') return;
    const found = await worksOfPublisherAmong(manager, organizationId, terms.scope.workIds);
    const known = new Set(found.map((row) => row.id));
    const unknown = terms.scope.workIds.filter((workId) => !known.has(workId));
    if (unknown.length) {
      throw new RequestValidationFailed([
        {
          field: 'scope.workIds',
          messages: unknown
            .slice(0, 20)
            .map((workId) => `work ${workId} is not one of this publisher's works`),
        },
      ]);
    }
  }
}
