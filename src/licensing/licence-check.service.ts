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
import { LicenseeAgreements } from './licensee-agreements';
import { preparedQuery } from '../database/prepared-query';
import { isUsageToken } from './usage-types';

interface ResolvedQuestion {
  identifier: Identifier;
  usage: string;
  territory?: string;
  at: string;
}

/** Answers "may I use this work this way?" for a licensee: one indexed query per batch, the caller's agreements cached. */
@Injectable()
export class LicenceCheckService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
  ) {}

  async check(
    actor: Principal,
    questions: LicenceQuestionDto[],
    field = 'questions',
  ): Promise<LicenceAnswerResponse[]> {
    const resolved = resolveQuestions(questions, field);
    const keys = [
      ...new Map(resolved.map((q) => [formatIdentifier(q.identifier), q.identifier])).values(),
    ];
    const works = await preparedQuery<{
      scheme: string;
      value: string;
      id: string;
      organization_id: string;
      kind: string;
      status: 'active' | 'withdrawn';
      identifiers: string[];
    }>(
      this.dataSource,
      'licence-check-works',
      `SELECT wi.scheme, wi.value, w.id, w.organization_id, w.kind, w.status, w.identifiers
         FROM unnest($1::text[], $2::text[]) AS q(scheme, value)
         JOIN work_identifiers wi ON wi.scheme = q.scheme AND wi.value = q.value
         JOIN works w ON w.id = wi.work_id`,
      [keys.map((k) => k.scheme), keys.map((k) => k.value)],
    );
    const agreementsByPublisher = works.length
      ? await this.agreements.byPublisher(actor.organizationId)
      : new Map<string, CandidateAgreement[]>();
    const candidates = [...new Set(works.map((work) => work.organization_id))].flatMap(
      (publisher) => agreementsByPublisher.get(publisher) ?? [],
    );
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
