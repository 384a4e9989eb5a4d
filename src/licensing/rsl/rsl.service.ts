import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { DomainError, ResourceNotFound } from '../../common/errors/domain-error';
import { normalizeIdentifier } from '../../catalogue/identifiers/identifier';
import { LicenceOfferTermsDto } from '../dto/licence-offer.dto';
import { OfferTerms, termsProblems } from '../offer-terms';
import { RslImportResponse, RslImportWarning } from './rsl.dto';
import { ImportedLicense, parseRsl, RslDocumentError } from './parse-rsl';
import { renderRsl, RslOffer, RslUrlWork } from './render-rsl';
import { RSL_MAX_CONTENT } from './rsl-vocabulary';

export interface RslDocument {
  body: string;
  /** Strong validator: the SHA-256 of the body. */
  etag: string;
}

/** RSL export (public, per publisher) and import (a publisher's document read as offer inputs). */
@Injectable()
export class RslService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async document(publisherId: string, offerLinkBase: string): Promise<RslDocument> {
    const id = publisherId.toLowerCase();
    if (!isUUID(id)) throw new ResourceNotFound('publisher', publisherId);
    const [publisher] = await this.dataSource.query<{ name: string }[]>(
      `SELECT name FROM organizations WHERE id = $1 AND kind = 'publisher'`,
      [id],
    );
    if (!publisher) throw new ResourceNotFound('publisher', publisherId);
    const offers = await this.dataSource.query<RslOffer[]>(
      `SELECT id, version, terms FROM licence_offers
        WHERE organization_id = $1 AND status = 'active' ORDER BY created_at, id`,
      [id],
    );
    const urlWorks = offers.length ? await this.coveredUrlWorks(id, offers) : [];
    const body = renderRsl({
      publisherName: publisher.name,
      offers,
      urlWorks: urlWorks.slice(0, RSL_MAX_CONTENT),
      moreUrlWorks: urlWorks.length > RSL_MAX_CONTENT,
      offerLinkBase,
    });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
  }

  /**
   * The publisher's active works with a URL that some offer may cover, in URL order, at most one
   * past the bound. The SQL narrows; `renderRsl` decides coverage with the licence check's rule.
   */
  private coveredUrlWorks(publisherId: string, offers: RslOffer[]): Promise<RslUrlWork[]> {
    const values: unknown[] = [publisherId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const conditions: string[] = [];
    const all = offers.some(({ terms }) => terms.scope.type === 'all');
    for (const { terms } of all ? [] : offers) {
      const scope = terms.scope;
      if (scope.type === 'all') continue;
      if (scope.type === 'works') {
        conditions.push(`w.id = ANY(${param(scope.workIds)}::uuid[])`);
      } else {
        const parts = ['true'];
        if (scope.kinds) parts.push(`w.kind = ANY(${param(scope.kinds)}::text[])`);
        if (scope.identifierSchemes) {
          parts.push(
            `EXISTS (SELECT 1 FROM unnest(w.identifiers) AS i WHERE split_part(i, ':', 1) = ANY(${param(scope.identifierSchemes)}::text[]))`,
          );
        }
        conditions.push(`(${parts.join(' AND ')})`);
      }
    }
    return this.dataSource.query<RslUrlWork[]>(
      `SELECT w.id, w.kind, w.identifiers, wi.value AS url
         FROM work_identifiers wi JOIN works w ON w.id = wi.work_id
        WHERE wi.organization_id = $1 AND wi.scheme = 'url' AND w.status = 'active'
          AND (${all ? 'true' : conditions.join(' OR ')})
        ORDER BY wi.value COLLATE "C"
        LIMIT ${RSL_MAX_CONTENT + 1}`,
      values,
    );
  }

  /** Offer inputs for the publisher to review and POST; nothing is stored. */
  async import(actor: Principal, xml: string): Promise<RslImportResponse> {
    let licenses: ImportedLicense[];
    try {
      licenses = parseRsl(xml);
    } catch (error) {
      if (!(error instanceof RslDocumentError)) throw error;
      if (error.kind === 'malformed') {
        throw new DomainError('rsl-malformed', 400, error.message, {
          ...(error.line !== undefined ? { line: error.line, column: error.column } : {}),
        });
      }
      throw new DomainError('not-rsl', 422, error.message);
    }
    const worksByUrl = await this.worksByUrl(actor.organizationId, licenses);
    const warnings: RslImportWarning[] = [];
    const offers = licenses.map((license, index) => {
      const warn = (message: string) => warnings.push({ offer: index, message });
      license.warnings.forEach(warn);
      const scope = license.scope ?? this.worksScope(license, worksByUrl, warn);
      const terms: LicenceOfferTermsDto = {
        ...license.terms,
        title:
          license.terms.title ||
          `Imported from RSL (${license.contentUrls[0] ?? 'no content URL'})`.slice(0, 200),
        scope,
      } as LicenceOfferTermsDto;
      if (!terms.currency) warn('no <amount> gives a currency: set currency before publishing');
      for (const problem of termsProblems({
        ...terms,
        currency: terms.currency ?? '',
      } as OfferTerms))
        warn(`${problem.field}: ${problem.message}`);
      return terms;
    });
    return { offers, warnings };
  }

  private worksScope(
    license: ImportedLicense,
    worksByUrl: Map<string, string>,
    warn: (message: string) => void,
  ): OfferTerms['scope'] {
    const workIds: string[] = [];
    for (const url of license.contentUrls) {
      const normalized = normalizeIdentifier('url', url);
      const workId = normalized.ok ? worksByUrl.get(normalized.identifier.value) : undefined;
      if (workId) workIds.push(workId);
      else if (!normalized.ok || /[*$]/.test(url))
        warn(`content ${url} is a pattern or path, not one work's URL: not in the scope`);
      else warn(`content ${url} is not the URL of one of your active works: not in the scope`);
    }
    if (!workIds.length)
      warn('scope.workIds: no content URL is one of your works; choose the scope');
    return { type: 'works', workIds: [...new Set(workIds)].sort() };
  }

  private async worksByUrl(
    publisherId: string,
    licenses: ImportedLicense[],
  ): Promise<Map<string, string>> {
    const urls = new Set<string>();
    for (const license of licenses) {
      if (license.scope) continue;
      for (const url of license.contentUrls) {
        const normalized = normalizeIdentifier('url', url);
        if (normalized.ok) urls.add(normalized.identifier.value);
      }
    }
    if (!urls.size) return new Map();
    const rows = await this.dataSource.query<{ value: string; work_id: string }[]>(
      `SELECT wi.value, wi.work_id FROM work_identifiers wi JOIN works w ON w.id = wi.work_id
        WHERE wi.organization_id = $1 AND wi.scheme = 'url' AND wi.value = ANY($2::text[])
          AND w.status = 'active'`,
      [publisherId, [...urls]],
    );
    return new Map(rows.map((row) => [row.value, row.work_id]));
  }
}
