import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { formatIdentifier, Identifier } from '../catalogue/identifiers/identifier';
import { ChangeAwareCache } from '../database/change-aware-cache';
import { ChangeFeed } from '../database/change-feed';
import { preparedQuery } from '../database/prepared-query';
import { CandidateWork } from './licence-check';
import { WorkByIdentifierRow, WORKS_BY_IDENTIFIER } from './licence-check.queries';

/**
 * Every publisher's works carrying an identifier (none: unknown), cached per identifier in the
 * process for the licence check: crawlers ask about the same pages again and again. Any
 * committed statement that changes works or identifiers clears the cache (statement triggers →
 * change feed), so an answer never outlives the catalogue it was read from.
 */
@Injectable()
export class IdentifiedWorks {
  private readonly cache: ChangeAwareCache<CandidateWork[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    changes: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(changes, 'works_changed', {
      max: 100_000,
      maxAgeMs: 60_000,
    });
  }

  /** By `scheme:value`. */
  async byIdentifier(identifiers: Identifier[]): Promise<Map<string, CandidateWork[]>> {
    const wanted = new Map(
      identifiers.map((identifier) => [formatIdentifier(identifier), identifier]),
    );
    return this.cache.getMany([...wanted.keys()], (missing) =>
      this.load(missing.map((key) => wanted.get(key)!)),
    );
  }

  private async load(identifiers: Identifier[]): Promise<Map<string, CandidateWork[]>> {
    const rows = await preparedQuery<WorkByIdentifierRow>(
      this.dataSource,
      'licence-check-works',
      WORKS_BY_IDENTIFIER,
      [identifiers.map((k) => k.scheme), identifiers.map((k) => k.value)],
    );
    const found = new Map<string, CandidateWork[]>(
      identifiers.map((identifier) => [formatIdentifier(identifier), []]),
    );
    for (const row of rows) {
      found.get(`${row.scheme}:${row.value}`)?.push({
        id: row.id,
        organizationId: row.organization_id,
        kind: row.kind,
        status: row.status,
        identifiers: row.identifiers,
      });
    }
    return found;
  }
}
