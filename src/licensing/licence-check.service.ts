import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import {
  formatIdentifier,
  Identifier,
  normalizeIdentifier,
  parseIdentifier,
} from '../catalogue/identifiers/identifier';
import { todayUtc } from '../catalogue/work-inputs';
import { isCalendarDate } from '../catalogue/work-rules';
import { LicenceAnswerResponse, LicenceQuestionDto } from './dto/licence-check.dto';
import { CandidateAgreement, CandidateWork, checkLicence } from './licence-check';
import { OfferTerms } from './offer-terms';
import { isUsageToken } from './usage-types';

interface ResolvedQuestion {
  identifier: Identifier;
  usage: string;
  territory?: string;
  at: string;
}

/** Answers "may I use this work this way?" for a licensee: two indexed queries per batch. */
@Injectable()
export class LicenceCheckService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(
    actor: Principal,
    questions: LicenceQuestionDto[],
    field = 'questions',
  ): Promise<LicenceAnswerResponse[]> {
    const resolved = resolveQuestions(questions, field);
    const keys = [
      ...new Map(resolved.map((q) => [formatIdentifier(q.identifier), q.identifier])).values(),
    ];
    const works = await this.dataSource.query<
      {
        scheme: string;
        value: string;
        id: string;
        organization_id: string;
        kind: string;
        status: 'active' | 'withdrawn';
        identifiers: string[];
      }[]
    >(
      `SELECT wi.scheme, wi.value, w.id, w.organization_id, w.kind, w.status, w.identifiers
         FROM unnest($1::text[], $2::text[]) AS q(scheme, value)
         JOIN work_identifiers wi ON wi.scheme = q.scheme AND wi.value = q.value
         JOIN works w ON w.id = wi.work_id`,
      [keys.map((k) => k.scheme), keys.map((k) => k.value)],
    );
    const publishers = [...new Set(works.map((work) => work.organization_id))];
    const agreements = publishers.length
      ? await this.dataSource.query<
          {
            id: string;
            publisher_id: string;
            terms: OfferTerms;
            starts_on: string;
            last_day: string | null;
          }[]
        >(
          `SELECT id, publisher_id, terms, starts_on, LEAST(ends_on, terminated_on) AS last_day
             FROM agreements
            WHERE licensee_id = $1 AND publisher_id = ANY($2::uuid[]) AND status <> 'proposed'`,
          [actor.organizationId, publishers],
        )
      : [];
    const candidates: CandidateAgreement[] = agreements.map((row) => ({
      id: row.id,
      publisherId: row.publisher_id,
      terms: row.terms,
      startsOn: row.starts_on,
      lastDay: row.last_day,
    }));
    const worksByIdentifier = new Map<string, CandidateWork[]>();
    for (const row of works) {
      const key = `${row.scheme}:${row.value}`;
      worksByIdentifier.set(key, [
        ...(worksByIdentifier.get(key) ?? []),
        {
          id: row.id,
          organizationId: row.organization_id,
          kind: row.kind,
          status: row.status,
          identifiers: row.identifiers,
        },
      ]);
    }
    return resolved.map((question) => {
      const identifier = formatIdentifier(question.identifier);
      const answer = checkLicence(worksByIdentifier.get(identifier) ?? [], candidates, question);
      return { identifier, usage: question.usage, ...answer };
    });
  }
}

function resolveQuestions(questions: LicenceQuestionDto[], field: string): ResolvedQuestion[] {
  const errors: FieldError[] = [];
  const today = todayUtc();
  const resolved = questions.map((question, index) => {
    const at = `${field}.${index}`;
    const given = [question.identifier, question.url, question.sha256].filter(
      (value) => value !== undefined,
    );
    let result = null;
    if (given.length !== 1) {
      errors.push({ field: at, messages: ['give exactly one of identifier, url and sha256'] });
    } else {
      result =
        question.identifier !== undefined
          ? parseIdentifier(question.identifier)
          : question.url !== undefined
            ? normalizeIdentifier('url', question.url)
            : normalizeIdentifier('sha256', question.sha256!);
      if (!result.ok)
        errors.push({
          field: `${at}.${question.identifier !== undefined ? 'identifier' : question.url !== undefined ? 'url' : 'sha256'}`,
          messages: [result.reason],
        });
    }
    if (!isUsageToken(question.usage)) {
      errors.push({
        field: `${at}.usage`,
        messages: ['usage must be an RSL usage type or an extension token like x-acme:finetune'],
      });
    }
    if (question.at !== undefined && !isCalendarDate(question.at)) {
      errors.push({ field: `${at}.at`, messages: ['at is not a calendar date'] });
    }
    return result?.ok
      ? {
          identifier: result.identifier,
          usage: question.usage,
          territory: question.territory,
          at: question.at ?? today,
        }
      : null;
  });
  if (errors.length) throw new RequestValidationFailed(errors);
  return resolved as ResolvedQuestion[];
}
