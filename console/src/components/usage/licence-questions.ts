/** The most questions one licence check may ask (POST /v1/licence-check, `questions` ≤ 1000). */
export const MAX_LICENCE_QUESTIONS = 1000;

export interface AskedWork {
  /** The line as typed (trimmed): the table shows it beside the API's normalized form. */
  asked: string;
  work: { identifier: string } | { url: string } | { sha256: string };
}

const SHA256 = /^[0-9a-f]{64}$/i;

/**
 * The pasted list, one work per line: blank lines dropped, each line sent as the API names it —
 * an address (`https://…`) as `url`, 64 hexadecimal digits as `sha256`, anything else as an
 * `identifier` (`scheme:value`), which the API normalizes and judges.
 */
export function askedWorks(text: string): AskedWork[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((asked) => ({
      asked,
      work: /^https?:\/\//i.test(asked)
        ? { url: asked }
        : SHA256.test(asked)
          ? { sha256: asked }
          : { identifier: asked },
    }));
}

/** Why a use is not licensed, in words (the API's `reason`, docs/LICENSING.md). */
export const REFUSAL_WORDS: Record<string, string> = {
  'unknown-work': 'No work in the catalogue carries this identifier',
  withdrawn: 'The work was withdrawn by its publisher',
  'no-agreement': 'You hold no agreement with this work’s publisher that covers it',
  prohibited: 'Your agreement prohibits this usage',
  'usage-not-permitted': 'Your agreement does not permit this usage',
  'outside-term': 'The day is outside your agreement’s term',
  territory: 'Your agreement does not cover this territory',
};
