import { Injectable } from '@nestjs/common';
import { Principal } from '../common/auth/principal';
import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import {
  formatIdentifier,
  Identifier,
  normalizeIdentifier,
  parseIdentifier,
} from '../catalogue/identifiers/identifier';
import { todayUtc } from '../common/validation/calendar-date';
import { isCalendarDate } from '../common/validation/calendar-date';
import { LicenceAnswerResponse, LicenceQuestionDto } from './dto/licence-check.dto';
import { AnsweredQuestions } from './answered-questions';
import { CandidateAgreement, CandidateWork, checkLicence } from './licence-check';
import { IdentifiedWorks } from './identified-works';
import { LicenseeAgreements } from './licensee-agreements';
import { isUsageToken } from './usage-types';
import { LicenceReceipts, ReceiptRequest } from '../receipts/licence-receipts';
import { ReceiptCounts } from '../receipts/receipt-counts';

interface ResolvedQuestion {
  identifier: Identifier;
  usage: string;
  territory?: string;
  at: string;
}

/**
 * Answers "may I use this work this way?" for a licensee: works by identifier and the caller's
 * agreements, both cached in the process and evicted on commit; an answer worked out from them is
 * reused while both hold (AnsweredQuestions). A licensed answer carries its signed receipt
 * (LicenceReceipts).
 */
@Injectable()
export class LicenceCheckService {
  private readonly answered = new AnsweredQuestions();

  constructor(
    private readonly agreements: LicenseeAgreements,
    private readonly works: IdentifiedWorks,
    private readonly receipts: LicenceReceipts,
    private readonly counts: ReceiptCounts,
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
    const worksByIdentifier = await this.works.byIdentifier(keys);
    const publishers = new Set(
      [...worksByIdentifier.values()].flat().map((work) => work.organizationId),
    );
    const agreementsByPublisher = publishers.size
      ? await this.agreements.byPublisher(actor.organizationId)
      : NO_AGREEMENTS;
    const answered = resolved.map((question) => {
      const identifier = formatIdentifier(question.identifier);
      const works = worksByIdentifier.get(identifier) ?? [];
      const answer = this.answered.answer(
        works,
        agreementsByPublisher,
        `${actor.organizationId}\n${question.usage}\n${question.territory ?? ''}\n${question.at}`,
        () => checkLicence(works, candidatesFor(works, agreementsByPublisher), question),
      );
      return { question, identifier, answer };
    });
    const requests: ReceiptRequest[] = [];
    for (const { question, identifier, answer } of answered) {
      if (!answer.licensed) continue;
      requests.push({
        licenseeId: actor.organizationId,
        workId: answer.workId,
        usage: question.usage,
        day: question.at,
        agreementId: answer.agreementId,
        agreementVersion: answer.agreementVersion,
        publisherId: answer.publisherId,
        identifier,
        rate: answer.rate,
      });
    }
    const issued = await this.receipts.issue(requests);
    this.counts.count(requests.filter((_, i) => issued[i] !== null));
    const receipts = issued.values();
    return answered.map(({ question, identifier, answer }) => {
      if (!answer.licensed) return { identifier, usage: question.usage, ...answer };
      return {
        identifier,
        usage: question.usage,
        licensed: true,
        workId: answer.workId,
        agreementId: answer.agreementId,
        agreementVersion: answer.agreementVersion,
        rate: answer.rate,
        attributionRequired: answer.attributionRequired,
        receipt: receipts.next().value!,
      };
    });
  }
}

const NO_AGREEMENTS: ReadonlyMap<string, CandidateAgreement[]> = new Map();

/**
 * The agreements that can cover `works`: those with the works' publishers (checkLicence passes
 * over any other), so a batch does not walk every publisher's agreements for each question.
 */
function candidatesFor(
  works: readonly CandidateWork[],
  agreementsByPublisher: ReadonlyMap<string, CandidateAgreement[]>,
): CandidateAgreement[] {
  if (works.length === 1) return agreementsByPublisher.get(works[0].organizationId) ?? [];
  return [...new Set(works.map((work) => work.organizationId))].flatMap(
    (publisher) => agreementsByPublisher.get(publisher) ?? [],
  );
}

function resolveQuestions(questions: LicenceQuestionDto[], field: string): ResolvedQuestion[] {
  const errors: FieldError[] = [];
  let today: string | undefined; // read once, only when a question leaves `at` out
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
          at: question.at ?? (today ??= todayUtc()),
        }
      : null;
  });
  if (errors.length) throw new RequestValidationFailed(errors);
  return resolved as ResolvedQuestion[];
}
