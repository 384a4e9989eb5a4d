import { AnsweredQuestions } from './answered-questions';
import { Answer, CandidateWork } from './licence-check';

const work: CandidateWork = {
  id: 'w1',
  organizationId: 'p1',
  kind: 'book',
  status: 'active',
  identifiers: ['isbn:9780306406157'],
};
const refusal = (reason: 'no-agreement' | 'outside-term'): Answer => ({
  licensed: false,
  reason,
  workId: 'w1',
});

describe('AnsweredQuestions', () => {
  it('reuses an answer while the same work list and agreements are asked about', () => {
    const answered = new AnsweredQuestions();
    const works = [work];
    const agreements = new Map();
    const worked = jest.fn(() => refusal('no-agreement'));
    answered.answer(works, agreements, 'l1\nai-train\n\n2027-06-01', worked);
    answered.answer(works, agreements, 'l1\nai-train\n\n2027-06-01', worked);
    expect(worked).toHaveBeenCalledTimes(1);
    // Another question about the same works is worked out on its own.
    answered.answer(works, agreements, 'l1\nai-train\n\n2027-06-02', worked);
    expect(worked).toHaveBeenCalledTimes(2);
  });

  it('works the answer out again once either cache has reloaded (new objects)', () => {
    const answered = new AnsweredQuestions();
    const works = [work];
    const question = 'l1\nai-train\n\n2027-06-01';
    answered.answer(works, new Map(), question, () => refusal('no-agreement'));
    expect(answered.answer(works, new Map(), question, () => refusal('outside-term'))).toEqual(
      refusal('outside-term'),
    );
    const agreements = new Map();
    answered.answer(works, agreements, question, () => refusal('no-agreement'));
    expect(answered.answer([work], agreements, question, () => refusal('outside-term'))).toEqual(
      refusal('outside-term'),
    );
  });

  it('keeps at most 64 questions per work list', () => {
    const answered = new AnsweredQuestions();
    const works = [work];
    const agreements = new Map();
    const worked = jest.fn(() => refusal('no-agreement'));
    for (let day = 0; day < 65; day++) answered.answer(works, agreements, `q${day}`, worked);
    answered.answer(works, agreements, 'q0', worked);
    expect(worked).toHaveBeenCalledTimes(66);
    answered.answer(works, agreements, 'q64', worked);
    expect(worked).toHaveBeenCalledTimes(66);
  });
});
