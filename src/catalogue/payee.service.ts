import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { assertVersion } from '../common/concurrency/if-match';
import { insertAndRead } from '../common/insert-and-read';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { isUuid, newId } from '../common/ids';
import { DEFAULT_PAGE_SIZE, decodeCursor, Page, pageOf } from '../common/pagination/page';
import { ScopedRepository, scopeOf } from '../common/tenancy/tenant-scope';
import { ResourceNotFound } from '../common/errors/domain-error';
import { AuditService } from '../organizations/audit.service';
import {
  CreatePayeeDto,
  ListPayeesQuery,
  PayeeListItemResponse,
  PayeeListRow,
  PayeeResponse,
  toPayeeListItem,
  toPayeeResponse,
  UpdatePayeeDto,
} from './dto/payee.dto';
import { Payee } from './payee.entity';
import { PayeeListFilter, payeeListRows, payeesByIds } from './payee.queries';

@Injectable()
export class PayeeService {
  private readonly payees: ScopedRepository<Payee>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Payee) payees: Repository<Payee>,
    private readonly audit: AuditService,
  ) {
    this.payees = new ScopedRepository(payees, 'payee');
  }

  async create(
    actor: Principal,
    dto: CreatePayeeDto,
    idempotency?: IdempotentRequest,
  ): Promise<PayeeResponse> {
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const stored = await insertAndRead(manager, Payee, {
        id: newId(),
        organizationId: actor.organizationId,
        name: dto.name.trim(),
        email: dto.email ?? null,
        country: dto.country ?? null,
        currency: dto.currency,
        isDefault: false,
        version: 1,
      });
      await this.audit.record(manager, actor, {
        action: 'payee.create',
        resourceId: stored.id,
        resourceOrganizationId: stored.organizationId,
        details: { name: stored.name, currency: stored.currency },
      });
      return { status: 201, body: toPayeeResponse(stored) };
    });
    return result.body;
  }

  /**
   * Payees oldest first with their publisher and payout state: a publisher's own; finance every
   * publisher's, by publisher, hold and name. The hold and Stripe account tables are the payout
   * module's (docs/PAYOUTS.md), read here so that one page of payees costs one query.
   */
  async list(actor: Principal, query: ListPayeesQuery): Promise<Page<PayeeListItemResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const pattern = query.q ? `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await this.listRows(actor, {
      publisherId: query.publisherId ?? null,
      held: query.held === undefined ? null : query.held === 'true',
      pattern,
      after: query.cursor ? decodeCursor(query.cursor) : null,
      id: null,
      limit: limit + 1,
    });
    return pageOf(rows.slice(0, limit).map(toPayeeListItem), rows.length > limit);
  }

  /** One payee with its publisher, open hold and Stripe state, as the list shows it (404 when not theirs). */
  async get(actor: Principal, id: string): Promise<PayeeListItemResponse> {
    const [row] = isUuid(id)
      ? await this.listRows(actor, {
          publisherId: null,
          held: null,
          pattern: null,
          after: null,
          id,
          limit: 1,
        })
      : [];
    if (!row) throw new ResourceNotFound('payee', id);
    return toPayeeListItem(row);
  }

  /** The list's one query (filters null when unused), in the principal's scope. */
  private listRows(
    actor: Principal,
    filter: Omit<PayeeListFilter, 'scopeOrganizationId'>,
  ): Promise<PayeeListRow[]> {
    const scope = scopeOf(actor);
    return payeeListRows(this.dataSource, {
      scopeOrganizationId: scope.kind === 'organization' ? scope.organizationId : null,
      ...filter,
    });
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdatePayeeDto,
    expectedVersion?: number,
  ): Promise<PayeeResponse> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.payees.lock(scopeOf(actor), id, manager);
      assertVersion('payee', id, expectedVersion, current.version);
      const changes: Partial<Payee> = {};
      if (dto.name !== undefined) changes.name = dto.name.trim();
      if (dto.email !== undefined) changes.email = dto.email;
      if (dto.country !== undefined) changes.country = dto.country;
      if (dto.currency !== undefined) changes.currency = dto.currency;
      const changed = Object.entries(changes).filter(
        ([field, value]) => current[field as keyof Payee] !== value,
      );
      if (changed.length === 0) return toPayeeResponse(current);
      await manager.update(Payee, { id }, { ...changes, version: current.version + 1 });
      const stored = await manager.findOneByOrFail(Payee, { id });
      await this.audit.record(manager, actor, {
        action: 'payee.update',
        resourceId: id,
        resourceOrganizationId: stored.organizationId,
        details: {
          version: stored.version,
          changes: Object.fromEntries(
            changed.map(([field, value]) => [
              field,
              { from: current[field as keyof Payee], to: value },
            ]),
          ),
        },
      });
      return toPayeeResponse(stored);
    });
  }

  /** A payee the principal may see, as other modules need it (404 when not theirs). */
  async reference(
    actor: Principal,
    id: string,
  ): Promise<Pick<Payee, 'id' | 'organizationId' | 'email' | 'country'>> {
    const payee = await this.payees.get(scopeOf(actor), id);
    return {
      id: payee.id,
      organizationId: payee.organizationId,
      email: payee.email,
      country: payee.country,
    };
  }

  /** Which of these ids are payees, with their publishers (for other modules: payouts). */
  async existing(ids: string[]): Promise<{ id: string; organizationId: string }[]> {
    const valid = ids.filter((id) => isUuid(id));
    if (valid.length === 0) return [];
    const rows = await payeesByIds(this.dataSource, valid);
    return rows.map((row) => ({ id: row.id, organizationId: row.organization_id }));
  }
}
