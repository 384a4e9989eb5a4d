import { length } from 'class-validator';
import { requestValidationPipe } from '../common/validation/validation-pipe';
import { isCountryCode } from '../common/validation/iso-codes';
import {
  LicenceQuestionDto,
  LicenceQuestionsDto,
  MAX_LICENCE_QUESTIONS,
} from './dto/licence-check.dto';

/**
 * The licence check's input read without class-validator's walk over decorators, which cost more
 * than the check itself (about half of a batch of 1,000 questions). The hand check accepts only
 * what LicenceQuestionDto/LicenceQuestionsDto accept, by the same rules (class-validator's own
 * `length`, the same pattern and country codes); anything else — a wrong type, an unknown field,
 * null, too many questions — goes to the global ValidationPipe, which refuses it with the very
 * 400 it always gave (or, should the hand check be stricter somewhere, accepts it). So the
 * answers cannot drift from the DTOs; licence-question-input.spec.ts compares the two.
 */

const FIELDS = new Set(['identifier', 'url', 'sha256', 'usage', 'territory', 'at']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const pipe = requestValidationPipe();

const text = (value: unknown, min: number, max: number) =>
  typeof value === 'string' && length(value, min, max);
const optionalText = (value: unknown, min: number, max: number) =>
  value === undefined || text(value, min, max);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True only when LicenceQuestionDto accepts `value` as it is. */
export function isAcceptedQuestion(value: unknown): value is LicenceQuestionDto {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (!FIELDS.has(key)) return false;
  return (
    optionalText(value.identifier, 3, 2100) &&
    optionalText(value.url, 1, 2048) &&
    optionalText(value.sha256, 64, 64) &&
    text(value.usage, 1, 100) &&
    (value.territory === undefined || isCountryCode(value.territory)) &&
    (value.at === undefined || (typeof value.at === 'string' && DAY.test(value.at)))
  );
}

/** True only when LicenceQuestionsDto accepts `value` as it is. */
export function isAcceptedQuestions(value: unknown): value is LicenceQuestionsDto {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'questions') return false;
  const questions = value.questions;
  return (
    Array.isArray(questions) &&
    questions.length >= 1 &&
    questions.length <= MAX_LICENCE_QUESTIONS &&
    questions.every(isAcceptedQuestion)
  );
}

/** GET's query as a question, or the ValidationPipe's 400. */
export async function readQuestion(query: unknown): Promise<LicenceQuestionDto> {
  if (isAcceptedQuestion(query)) return query;
  return (await pipe.transform(query, {
    type: 'query',
    metatype: LicenceQuestionDto,
  })) as LicenceQuestionDto;
}

/** POST's body as questions, or the ValidationPipe's 400. */
export async function readQuestions(body: unknown): Promise<LicenceQuestionsDto> {
  if (isAcceptedQuestions(body)) return body;
  return (await pipe.transform(body, {
    type: 'body',
    metatype: LicenceQuestionsDto,
  })) as LicenceQuestionsDto;
}
