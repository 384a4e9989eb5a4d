import { Answer, CandidateWork } from './licence-check';

/** Answers kept per work list, at most this many (licensee, usage, territory, day) each. */
const MAX_PER_WORKS = 64;

/**
 * Answers already worked out by checkLicence, kept beside the cached inputs they were worked out
 * from: by the identity of the work list IdentifiedWorks cached for the identifier and of the
 * agreements LicenseeAgreements cached for the licensee. When either cache reloads (a change, its
 * age), the new objects miss here and the old answers go with the old objects (a WeakMap): an
 * answer never outlives what it was read from. While the caches cannot cache (the change feed is
 * not listening), every load is a new object and nothing is reused. Saves the walk over the
 * licensee's agreements with the work's publisher, most of a cached check's time.
 */
export class AnsweredQuestions {
  private readonly byWorks = new WeakMap<
    readonly CandidateWork[],
    Map<string, { agreements: object; answer: Answer }>
  >();

  answer(
    works: readonly CandidateWork[],
    agreements: object,
    question: string,
    work: () => Answer,
  ): Answer {
    let answers = this.byWorks.get(works);
    const kept = answers?.get(question);
    if (kept && kept.agreements === agreements) return kept.answer;
    const answer = work();
    if (!answers) {
      answers = new Map();
      this.byWorks.set(works, answers);
    } else if (answers.size >= MAX_PER_WORKS) {
      answers.clear();
    }
    answers.set(question, { agreements, answer });
    return answer;
  }
}
