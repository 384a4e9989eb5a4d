import 'reflect-metadata';
import fc from 'fast-check';
import { requestValidationPipe } from '../common/validation/validation-pipe';
import { LicenceQuestionDto, LicenceQuestionsDto } from './dto/licence-check.dto';
import { isAcceptedQuestion, isAcceptedQuestions } from './licence-question-input';

const pipe = requestValidationPipe();
const pipeAccepts = async (
  value: unknown,
  metatype: typeof LicenceQuestionDto | typeof LicenceQuestionsDto,
) => {
  try {
    await pipe.transform(structuredClone(value), { type: 'query', metatype });
    return true;
  } catch {
    return false;
  }
};

/** Values a query or a JSON body can carry, near the DTO's edges. */
const value = fc.oneof(
  fc.constantFrom(
    'isbn:9780306406157',
    'ai-train',
    'DE',
    'EU',
    'de',
    '2027-06-01',
    '2027-6-1',
    'ab'.repeat(32),
    '😀😀',
    '😀😀😀',
    '\uFE0Fab',
    '',
    'x',
    'x'.repeat(100),
    'x'.repeat(101),
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.constantFrom('ai-train', 'DE', ''), { maxLength: 2 }),
);
const key = fc.constantFrom(
  'identifier',
  'url',
  'sha256',
  'usage',
  'territory',
  'at',
  'foo',
  'constructor',
);
const question = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 4 }),
  fc.record(
    {
      identifier: fc.constantFrom('isbn:9780306406157', 'doi:10.1/x', 'ab'),
      usage: fc.constantFrom('ai-train', 'x-acme:finetune', ''),
      territory: fc.constantFrom('DE', 'US', 'XX'),
      at: fc.constantFrom('2027-06-01', '2027-02-30', 'today'),
    },
    { requiredKeys: ['usage'] },
  ),
);

describe('the licence check read by hand', () => {
  it('accepts a question only when LicenceQuestionDto does', async () => {
    await fc.assert(
      fc.asyncProperty(question, async (q) => {
        if (isAcceptedQuestion(q)) expect(await pipeAccepts(q, LicenceQuestionDto)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a batch only when LicenceQuestionsDto does', async () => {
    const body = fc.oneof(
      fc.record({ questions: fc.array(question, { minLength: 0, maxLength: 3 }) }),
      fc.dictionary(fc.constantFrom('questions', 'extra'), fc.array(question, { maxLength: 2 })),
      fc.constantFrom(null, [], 'questions', { questions: {} }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        if (isAcceptedQuestions(b)) expect(await pipeAccepts(b, LicenceQuestionsDto)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the ordinary questions itself', () => {
    const ordinary = [
      { identifier: 'isbn:9780306406157', usage: 'ai-train', at: '2027-06-01' },
      { url: 'https://news.example/a', usage: 'ai-input', territory: 'DE' },
      { sha256: 'ab'.repeat(32), usage: 'x-acme:finetune' },
    ];
    expect(ordinary.every(isAcceptedQuestion)).toBe(true);
    expect(isAcceptedQuestions({ questions: ordinary })).toBe(true);
    expect(isAcceptedQuestions({ questions: Array(1001).fill(ordinary[0]) })).toBe(false);
    expect(isAcceptedQuestion({ ...ordinary[0], at: null })).toBe(false);
    expect(isAcceptedQuestion({ ...ordinary[0], usage: ['ai-train'] })).toBe(false);
  });
});
