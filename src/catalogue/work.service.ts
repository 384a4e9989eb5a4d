import { todayUtc } from '../common/validation/calendar-date';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { assertVersion } from '../common/concurrency/if-match';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { newId } from '../common/ids';
import { Page, PageQuery, paginate } from '../common/pagination/page';
import { ScopedRepository, scopeOf, TenantScope } from '../common/tenancy/tenant-scope';
import { ChangeFeed } from '../database/change-feed';
import { AuditService } from '../organizations/audit.service';
import {
  CreateWorkDto,
  ListWorksQuery,
  SplitVersionsResponse,
  UpdateWorkDto,
  WorkResponse,
  WorkVersionsResponse,
} from './dto/work.dto';
import { Work } from './work.entity';
import {
  assertExternalIdFree,
  assertIdentifiersFree,
  assertPayeesExist,
  defaultPayeeId,
} from './work-checks';
import {
  assertMetadataSize,
  canonicalSplits,
  changedFields,
  normalizeIdentifierList,
  sameSplits,
  updatedFields,
} from './work-inputs';
import {
  deleteIdentifiers,
  insertIdentifiers,
  insertSplitVersion,
  insertWork,
  keepVersion,
  markWithdrawn,
  updateWork,
} from './work.queries';
import { toWorkResponse } from './work-response';
import { conflictsOf, filterWorks } from './work-search';
import { splitVersionsOf, workVersionPage } from './work-versions';

/** The first split version applies to all time before the next one. */
export const FIRST_SPLITS_EFFECTIVE_FROM = '0001-01-01';

@Injectable()
export class WorkService {
  private readonly works: ScopedRepository<Work>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Work) works: Repository<Work>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
  ) {
    this.works = new ScopedRepository(works, 'work');
  }

  async create(
    actor: Principal,
    dto: CreateWorkDto,
    idempotency?: IdempotentRequest,
  ): Promise<WorkResponse> {
    const identifiers = normalizeIdentifierList(dto.identifiers ?? []);
    assertMetadataSize(dto.metadata);
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const organizationId = actor.organizationId;
      const splits = dto.splits
        ? canonicalSplits(dto.splits)
        : [{ payeeId: await defaultPayeeId(manager, organizationId), shareBps: 10_000 }];
      await assertPayeesExist(manager, organizationId, splits);
      await assertExternalIdFree(manager, organizationId, dto.externalId, null);
      await assertIdentifiersFree(manager, organizationId, identifiers, null);
      const id = newId();
      const work = {
        externalId: dto.externalId,
        title: dto.title,
        kind: dto.kind,
        language: dto.language ?? null,
        publishedAt: dto.publishedAt ?? null,
        metadata: dto.metadata ?? {},
        identifiers,
      };
      await insertWork(manager, id, organizationId, work, splits);
      await insertIdentifiers(manager, organizationId, id, identifiers);
      await insertSplitVersion(manager, organizationId, id, 1, FIRST_SPLITS_EFFECTIVE_FROM, splits);
      await this.audit.record(manager, actor, {
        action: 'work.create',
        resourceId: id,
        resourceOrganizationId: organizationId,
        details: { externalId: dto.externalId, identifiers },
      });
      return {
        status: 201,
        body: await this.read(manager, { kind: 'organization', organizationId }, id),
      };
    });
    this.announceChanged();
    return result.body;
  }

  async get(actor: Principal, id: string): Promise<WorkResponse> {
    return this.read(this.dataSource.manager, scopeOf(actor), id);
  }

  async list(actor: Principal, query: ListWorksQuery): Promise<Page<WorkResponse>> {
    const works = this.works.query(scopeOf(actor), 'work');
    filterWorks(works, query, actor.organizationId);
    const page = await paginate(works, query, (work) => work);
    const conflicts = await conflictsOf(
      this.dataSource.manager,
      page.data.map((work) => work.id),
    );
    return {
      data: page.data.map((work) => toWorkResponse(work, conflicts.get(work.id) ?? [])),
      nextCursor: page.nextCursor,
    };
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdateWorkDto,
    expectedVersion?: number,
  ): Promise<WorkResponse> {
    const identifiers = dto.identifiers ? normalizeIdentifierList(dto.identifiers) : undefined;
    assertMetadataSize(dto.metadata);
    if (dto.splitsEffectiveFrom && !dto.splits) {
      throw new RequestValidationFailed([
        { field: 'splitsEffectiveFrom', messages: ['splitsEffectiveFrom goes with splits'] },
      ]);
    }
    const updated = await this.dataSource.transaction(async (manager) => {
      const scope = scopeOf(actor);
      const current = await this.lock(manager, scope, id);
      assertVersion('work', id, expectedVersion, current.version);
      const organizationId = current.organizationId;
      const splits = dto.splits ? canonicalSplits(dto.splits) : current.splits;
      const next = updatedFields(current, dto, identifiers);
      const changed = changedFields(current, next);
      const splitsChanged = !sameSplits(splits, current.splits);
      if (changed.length === 0 && !splitsChanged) return this.read(manager, scope, id);

      if (next.externalId !== current.externalId) {
        await assertExternalIdFree(manager, organizationId, next.externalId, id);
      }
      if (identifiers) await assertIdentifiersFree(manager, organizationId, identifiers, id);
      if (splitsChanged) await assertPayeesExist(manager, organizationId, splits);

      await keepVersion(manager, current.id);
      const splitVersion = splitsChanged ? current.splitVersion + 1 : current.splitVersion;
      await updateWork(manager, id, next, splits, splitVersion);
      if (changed.includes('identifiers')) {
        await deleteIdentifiers(manager, id);
        await insertIdentifiers(manager, organizationId, id, next.identifiers);
      }
      if (splitsChanged) {
        await insertSplitVersion(
          manager,
          organizationId,
          id,
          splitVersion,
          dto.splitsEffectiveFrom ?? todayUtc(),
          splits,
        );
      }
      await this.audit.record(manager, actor, {
        action: 'work.update',
        resourceId: id,
        resourceOrganizationId: organizationId,
        details: {
          version: current.version + 1,
          fields: [...changed, ...(splitsChanged ? ['splits'] : [])],
          ...(splitsChanged
            ? { splitVersion, effectiveFrom: dto.splitsEffectiveFrom ?? todayUtc() }
            : {}),
        },
      });
      return this.read(manager, scope, id);
    });
    this.announceChanged();
    return updated;
  }

  /** The work can no longer be licensed for new use; it and its history stay. Idempotent. */
  async withdraw(actor: Principal, id: string, expectedVersion?: number): Promise<WorkResponse> {
    const withdrawn = await this.dataSource.transaction(async (manager) => {
      const scope = scopeOf(actor);
      const current = await this.lock(manager, scope, id);
      if (current.status === 'withdrawn') return this.read(manager, scope, id);
      assertVersion('work', id, expectedVersion, current.version);
      await keepVersion(manager, current.id);
      await markWithdrawn(manager, id);
      await this.audit.record(manager, actor, {
        action: 'work.withdraw',
        resourceId: id,
        resourceOrganizationId: current.organizationId,
        details: { version: current.version + 1 },
      });
      return this.read(manager, scope, id);
    });
    this.announceChanged();
    return withdrawn;
  }

  /**
   * The licence check's works cache in this process learns of the commit now; other processes
   * learn of it from the trigger's notification, which may arrive after this caller's next request.
   */
  private announceChanged(): void {
    this.changes.announce('works_changed', '');
  }

  /** Every version of the work, oldest first, paged by version number; the last is the current one. */
  async versions(actor: Principal, id: string, page: PageQuery): Promise<WorkVersionsResponse> {
    const work = await this.works.get(scopeOf(actor), id);
    return workVersionPage(this.dataSource.manager, work, page);
  }

  async splitVersions(actor: Principal, id: string): Promise<SplitVersionsResponse> {
    await this.works.get(scopeOf(actor), id);
    return splitVersionsOf(this.dataSource.manager, id);
  }

  private async read(
    manager: EntityManager,
    scope: TenantScope,
    id: string,
  ): Promise<WorkResponse> {
    const work = await this.works.get(scope, id, manager);
    const conflicts = await conflictsOf(manager, [work.id]);
    return toWorkResponse(work, conflicts.get(work.id) ?? []);
  }

  private lock(manager: EntityManager, scope: TenantScope, id: string): Promise<Work> {
    return this.works.lock(scope, id, manager);
  }
}
