import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { assertVersion } from '../common/concurrency/if-match';
import { BadRequest, Conflict } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { canonicalJson, IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
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
  WorkSnapshotResponse,
  WorkVersionResponse,
  WorkVersionsResponse,
} from './dto/work.dto';
import { parseIdentifier } from './identifiers/identifier';
import { Work } from './work.entity';
import {
  assertMetadataSize,
  canonicalSplits,
  normalizeIdentifierList,
  sameSplits,
  todayUtc,
} from './work-inputs';
import { toWorkResponse } from './work-response';
import { SplitShare } from './work-rules';

/** The first split version applies to all time before the next one. */
export const FIRST_SPLITS_EFFECTIVE_FROM = '0001-01-01';

/**
 * A work has a conflict when another publisher's active work claims one of its identifiers.
 * Driven from the works' own identifier arrays, so each check is a primary-key probe whatever
 * the planner's statistics say.
 */
const CONFLICTING_IDENTIFIERS = `
  SELECT w.id AS work_id, i AS identifier
    FROM works w CROSS JOIN LATERAL unnest(w.identifiers) AS i
   WHERE w.id = ANY($1)
     AND EXISTS (SELECT 1 FROM work_identifiers other JOIN works ow ON ow.id = other.work_id
                  WHERE other.scheme = split_part(i, ':', 1)
                    AND other.value = substr(i, length(split_part(i, ':', 1)) + 2)
                    AND other.organization_id <> w.organization_id AND ow.status = 'active')
   ORDER BY 2`;
const HAS_CONFLICT = `EXISTS (
  SELECT 1 FROM work_identifiers wi JOIN work_identifiers other
      ON other.scheme = wi.scheme AND other.value = wi.value AND other.organization_id <> wi.organization_id
    JOIN works ow ON ow.id = other.work_id AND ow.status = 'active'
   WHERE wi.work_id = work.id)`;

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
        : [{ payeeId: await this.defaultPayeeId(manager, organizationId), shareBps: 10_000 }];
      await this.assertPayeesExist(manager, organizationId, splits);
      await this.assertExternalIdFree(manager, organizationId, dto.externalId, null);
      await this.assertIdentifiersFree(manager, organizationId, identifiers, null);
      const id = newId();
      await manager.query(
        `INSERT INTO works (id, organization_id, external_id, title, kind, language, published_at, metadata,
                            identifiers, splits, split_version, split_shape_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, split_shape_id($10::jsonb))`,
        [
          id,
          organizationId,
          dto.externalId,
          dto.title,
          dto.kind,
          dto.language ?? null,
          dto.publishedAt ?? null,
          JSON.stringify(dto.metadata ?? {}),
          identifiers,
          JSON.stringify(splits),
        ],
      );
      await this.insertIdentifiers(manager, organizationId, id, identifiers);
      await this.insertSplitVersion(
        manager,
        organizationId,
        id,
        1,
        FIRST_SPLITS_EFFECTIVE_FROM,
        splits,
      );
      await this.audit.record(manager, actor, {
        action: 'work.create',
        resourceType: 'work',
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
    if (query.identifier) {
      const parsed = parseIdentifier(query.identifier);
      if (!parsed.ok) {
        throw new RequestValidationFailed([{ field: 'identifier', messages: [parsed.reason] }]);
      }
      // Driven by the identifier's primary key: one index probe, then the work by id.
      works.andWhere(
        `work.id = (SELECT wi.work_id FROM work_identifiers wi
                     WHERE wi.scheme = :scheme AND wi.value = :value AND wi.organization_id = :organizationId)`,
        { ...parsed.identifier, organizationId: actor.organizationId },
      );
    }
    if (query.status) works.andWhere('work.status = :status', { status: query.status });
    // Served by the unique (organization_id, external_id) index.
    if (query.externalId)
      works.andWhere('work.externalId = :externalId', { externalId: query.externalId });
    if (query.q) {
      works.andWhere(`(work.title ILIKE :pattern ESCAPE '\\' OR work.externalId = :text)`, {
        pattern: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        text: query.q,
      });
    }
    if (query.conflict)
      works.andWhere(query.conflict === 'true' ? HAS_CONFLICT : `NOT ${HAS_CONFLICT}`);
    const page = await paginate(works, query, (work) => work);
    const conflicts = await this.conflictsOf(
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
      const next = {
        externalId: dto.externalId ?? current.externalId,
        title: dto.title ?? current.title,
        kind: dto.kind ?? current.kind,
        language: dto.language === undefined ? current.language : dto.language,
        publishedAt: dto.publishedAt === undefined ? current.publishedAt : dto.publishedAt,
        metadata: dto.metadata ?? current.metadata,
        identifiers: identifiers ?? current.identifiers,
      };
      // Canonical JSON: metadata with its keys in another order is the same metadata.
      const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
        (field) => canonicalJson(next[field]) !== canonicalJson(current[field]),
      );
      const splitsChanged = !sameSplits(splits, current.splits);
      if (changed.length === 0 && !splitsChanged) return this.read(manager, scope, id);

      if (next.externalId !== current.externalId) {
        await this.assertExternalIdFree(manager, organizationId, next.externalId, id);
      }
      if (identifiers) await this.assertIdentifiersFree(manager, organizationId, identifiers, id);
      if (splitsChanged) await this.assertPayeesExist(manager, organizationId, splits);

      await this.keepVersion(manager, current);
      const splitVersion = splitsChanged ? current.splitVersion + 1 : current.splitVersion;
      await manager.query(
        `UPDATE works SET external_id = $2, title = $3, kind = $4, language = $5, published_at = $6,
                          metadata = $7, identifiers = $8, splits = $9, split_version = $10,
                          split_shape_id = split_shape_id($9::jsonb), version = version + 1,
                          updated_at = now()
          WHERE id = $1`,
        [
          id,
          next.externalId,
          next.title,
          next.kind,
          next.language,
          next.publishedAt,
          JSON.stringify(next.metadata),
          next.identifiers,
          JSON.stringify(splits),
          splitVersion,
        ],
      );
      if (changed.includes('identifiers')) {
        await manager.query(`DELETE FROM work_identifiers WHERE work_id = $1`, [id]);
        await this.insertIdentifiers(manager, organizationId, id, next.identifiers);
      }
      if (splitsChanged) {
        await this.insertSplitVersion(
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
        resourceType: 'work',
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
      await this.keepVersion(manager, current);
      await manager.query(
        `UPDATE works SET status = 'withdrawn', withdrawn_at = now(), version = version + 1, updated_at = now()
          WHERE id = $1`,
        [id],
      );
      await this.audit.record(manager, actor, {
        action: 'work.withdraw',
        resourceType: 'work',
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
    const limit = page.limit ?? 50;
    const after = page.cursor ? decodeVersionCursor(page.cursor) : 0;
    const earlier: {
      version: number;
      snapshot: WorkSnapshotResponse;
      valid_from: Date;
      valid_to: Date;
    }[] = await this.dataSource.query(
      `SELECT version, snapshot, valid_from, valid_to FROM work_versions
          WHERE work_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
      [id, after, limit + 1],
    );
    const versions: WorkVersionResponse[] = earlier.map((row) => ({
      version: row.version,
      validFrom: row.valid_from.toISOString(),
      validTo: row.valid_to.toISOString(),
      work: row.snapshot,
    }));
    if (earlier.length <= limit) {
      const [current] = await this.dataSource.query<{ snapshot: WorkSnapshotResponse }[]>(
        `SELECT work_snapshot(w) AS snapshot FROM works w WHERE w.id = $1`,
        [id],
      );
      versions.push({
        version: work.version,
        validFrom: work.updatedAt.toISOString(),
        validTo: null,
        work: current.snapshot,
      });
    }
    const data = versions.slice(0, limit);
    return {
      data,
      nextCursor:
        versions.length > limit ? encodeVersionCursor(data[data.length - 1].version) : null,
    };
  }

  async splitVersions(actor: Principal, id: string): Promise<SplitVersionsResponse> {
    await this.works.get(scopeOf(actor), id);
    const rows: {
      split_version: number;
      effective_from: string;
      payee_id: string;
      share_bps: number;
      recorded_at: Date;
    }[] = await this.dataSource.query(
      `SELECT split_version, effective_from, payee_id, share_bps, recorded_at FROM work_splits
          WHERE work_id = $1 ORDER BY split_version, payee_id`,
      [id],
    );
    const versions = new Map<number, SplitVersionsResponse['data'][number]>();
    for (const row of rows) {
      const version = versions.get(row.split_version) ?? {
        splitVersion: row.split_version,
        effectiveFrom: row.effective_from,
        recordedAt: row.recorded_at.toISOString(),
        splits: [],
      };
      version.splits.push({ payeeId: row.payee_id, shareBps: row.share_bps });
      versions.set(row.split_version, version);
    }
    return { data: [...versions.values()] };
  }

  private async read(
    manager: EntityManager,
    scope: TenantScope,
    id: string,
  ): Promise<WorkResponse> {
    const work = await this.works.get(scope, id, manager);
    const conflicts = await this.conflictsOf(manager, [work.id]);
    return toWorkResponse(work, conflicts.get(work.id) ?? []);
  }

  private async lock(manager: EntityManager, scope: TenantScope, id: string): Promise<Work> {
    const found = await this.works.get(scope, id, manager);
    return manager.findOneOrFail(Work, {
      where: { id: found.id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async conflictsOf(manager: EntityManager, ids: string[]): Promise<Map<string, string[]>> {
    const conflicts = new Map<string, string[]>();
    if (ids.length === 0) return conflicts;
    const rows: { work_id: string; identifier: string }[] = await manager.query(
      CONFLICTING_IDENTIFIERS,
      [ids],
    );
    for (const row of rows)
      conflicts.set(row.work_id, [...(conflicts.get(row.work_id) ?? []), row.identifier]);
    return conflicts;
  }

  /** Copies the work as it is now into work_versions, before it changes. */
  private async keepVersion(manager: EntityManager, current: Work): Promise<void> {
    await manager.query(
      `INSERT INTO work_versions (work_id, version, snapshot, valid_from, valid_to)
       SELECT w.id, w.version, work_snapshot(w), w.updated_at, now() FROM works w WHERE w.id = $1`,
      [current.id],
    );
  }

  private async defaultPayeeId(manager: EntityManager, organizationId: string): Promise<string> {
    const [payee] = await manager.query<{ id: string }[]>(
      `SELECT id FROM payees WHERE organization_id = $1 AND is_default`,
      [organizationId],
    );
    if (!payee)
      throw new BadRequest(
        'no-default-payee',
        'This organization has no default payee; give splits',
      );
    return payee.id;
  }

  private async assertPayeesExist(
    manager: EntityManager,
    organizationId: string,
    splits: SplitShare[],
  ): Promise<void> {
    const ids = splits.map((split) => split.payeeId);
    const found = await manager.query<{ id: string }[]>(
      `SELECT id FROM payees WHERE organization_id = $1 AND id = ANY($2)`,
      [organizationId, ids],
    );
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

  private async assertExternalIdFree(
    manager: EntityManager,
    organizationId: string,
    externalId: string,
    self: string | null,
  ): Promise<void> {
    const [existing] = await manager.query<{ id: string }[]>(
      `SELECT id FROM works WHERE organization_id = $1 AND external_id = $2 AND id IS DISTINCT FROM $3`,
      [organizationId, externalId, self],
    );
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

  private async assertIdentifiersFree(
    manager: EntityManager,
    organizationId: string,
    identifiers: string[],
    self: string | null,
  ): Promise<void> {
    if (identifiers.length === 0) return;
    const [existing] = await manager.query<{ identifier: string; work_id: string }[]>(
      `SELECT wi.scheme || ':' || wi.value AS identifier, wi.work_id
         FROM unnest($2::text[]) AS given(identifier)
         JOIN work_identifiers wi
           ON wi.scheme = split_part(given.identifier, ':', 1)
          AND wi.value = substr(given.identifier, length(split_part(given.identifier, ':', 1)) + 2)
          AND wi.organization_id = $1
        WHERE wi.work_id IS DISTINCT FROM $3
        LIMIT 1`,
      [organizationId, identifiers, self],
    );
    if (existing) {
      throw new Conflict(
        'identifier-taken',
        `${existing.identifier} is already registered to your work ${existing.work_id}`,
        { identifier: existing.identifier, existingWorkId: existing.work_id },
      );
    }
  }

  private async insertIdentifiers(
    manager: EntityManager,
    organizationId: string,
    workId: string,
    identifiers: string[],
  ): Promise<void> {
    if (identifiers.length === 0) return;
    await manager.query(
      `INSERT INTO work_identifiers (scheme, value, organization_id, work_id)
       SELECT split_part(i, ':', 1), substr(i, length(split_part(i, ':', 1)) + 2), $1, $2
         FROM unnest($3::text[]) AS i`,
      [organizationId, workId, identifiers],
    );
  }

  private async insertSplitVersion(
    manager: EntityManager,
    organizationId: string,
    workId: string,
    splitVersion: number,
    effectiveFrom: string,
    splits: SplitShare[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO work_splits (work_id, split_version, effective_from, organization_id, payee_id, share_bps)
       SELECT $1, $2, $3, $4, payee_id, share_bps
         FROM unnest($5::uuid[], $6::int[]) AS s(payee_id, share_bps)`,
      [
        workId,
        splitVersion,
        effectiveFrom,
        organizationId,
        splits.map((split) => split.payeeId),
        splits.map((split) => split.shareBps),
      ],
    );
  }
}

function encodeVersionCursor(version: number): string {
  return Buffer.from(`v${version}`).toString('base64url');
}

function decodeVersionCursor(cursor: string): number {
  const match = /^v(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  }
  return Number(match[1]);
}
