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
import { renderRsl } from './render-rsl';
import { activeOffers, activeWorksByUrl, coveredUrlWorks, publisherName } from './rsl.queries';
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
    const name = await publisherName(this.dataSource, id);
    if (name === undefined) throw new ResourceNotFound('publisher', publisherId);
    const offers = await activeOffers(this.dataSource, id);
    const urlWorks = offers.length ? await coveredUrlWorks(this.dataSource, id, offers) : [];
    const body = renderRsl({
      publisherName: name,
      offers,
      urlWorks: urlWorks.slice(0, RSL_MAX_CONTENT),
      moreUrlWorks: urlWorks.length > RSL_MAX_CONTENT,
      offerLinkBase,
    });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
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
    const rows = await activeWorksByUrl(this.dataSource, publisherId, [...urls]);
    return new Map(rows.map((row) => [row.value, row.work_id]));
  }
}
