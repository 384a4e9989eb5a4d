import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeAwareCache } from '../database/change-aware-cache';
import { ChangeFeed } from '../database/change-feed';
import { CandidateAgreement } from './licence-check';
import { licenseeAgreementRows, licenseeAmendmentRows } from './licence-check.queries';
import { OfferTerms } from './offer-terms';

/** A licensee's accepted agreements (any state but proposed) with their amendments, by publisher. */
export type AgreementsByPublisher = Map<string, CandidateAgreement[]>;

/**
 * The licence check's read of a licensee's agreements, cached per licensee in the process: the
 * check answers in a crawler's hot path, and agreements change rarely. Any committed change to a
 * licensee's agreements evicts it (agreements triggers → change feed); the writing process also
 * evicts at once.
 */
@Injectable()
export class LicenseeAgreements {
  private readonly cache: ChangeAwareCache<AgreementsByPublisher>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    changes: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(changes, 'agreements_changed', {
      max: 256,
      maxAgeMs: 60_000,
    });
  }

  byPublisher(licenseeId: string): Promise<AgreementsByPublisher> {
    return this.cache.get(licenseeId, () => this.load(licenseeId));
  }

  /**
   * Every agreement of the licensee, of every publisher, read now (not from the cache): for work
   * that must see the last committed state.
   */
  async all(licenseeId: string): Promise<CandidateAgreement[]> {
    return [...(await this.load(licenseeId)).values()].flat();
  }

  forget(licenseeId: string): void {
    this.cache.forget(licenseeId);
  }

  private async load(licenseeId: string): Promise<AgreementsByPublisher> {
    const rows = await licenseeAgreementRows(this.dataSource, licenseeId);
    const amendments = await licenseeAmendmentRows(this.dataSource, licenseeId);
    const amendmentsOf = new Map<string, { effectiveOn: string; terms: OfferTerms }[]>();
    for (const row of amendments) {
      const list = amendmentsOf.get(row.agreement_id) ?? [];
      list.push({ effectiveOn: row.effective_on, terms: row.terms });
      amendmentsOf.set(row.agreement_id, list);
    }
    const byPublisher: AgreementsByPublisher = new Map();
    for (const row of rows) {
      const list = byPublisher.get(row.publisher_id) ?? [];
      list.push({
        id: row.id,
        publisherId: row.publisher_id,
        terms: row.terms,
        startsOn: row.starts_on,
        lastDay: row.last_day,
        amendments: amendmentsOf.get(row.id),
      });
      byPublisher.set(row.publisher_id, list);
    }
    return byPublisher;
  }
}
