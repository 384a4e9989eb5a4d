import { LicenceAnswerResponse } from './dto/licence-check.dto';
import { answerJson, answersJson } from './licence-answer-json';

const licensed = (identifier: string): LicenceAnswerResponse => ({
  identifier,
  usage: 'ai-train',
  licensed: true,
  workId: 'w1',
  agreementId: 'a1',
  agreementVersion: 2,
  rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
  attributionRequired: false,
  receipt: { id: 'rcpt_x', token: 'h.c.s', validFrom: 'f', validUntil: 'u' },
});
const refused: LicenceAnswerResponse = {
  identifier: 'url:https://exemple.fr/été',
  usage: 'ai-train',
  licensed: false,
  reason: 'no-agreement',
  workId: null,
};

describe('the licence answers as JSON', () => {
  it('writes exactly the bytes JSON.stringify gives, whatever the characters', () => {
    const answers = [licensed('isbn:9780306406157'), refused, licensed('url:https://例え.jp/ß')];
    expect(answersJson(answers).toString('utf8')).toBe(JSON.stringify({ answers }));
    expect(answersJson([refused]).toString('utf8')).toBe(JSON.stringify({ answers: [refused] }));
  });

  it("reuses a licensed answer's text while its receipt is the same object", () => {
    const answer = licensed('isbn:9780306406157');
    const first = answerJson(answer);
    expect(answerJson({ ...answer })).toBe(first);
    expect(answerJson({ ...answer, receipt: { ...answer.receipt! } })).toBe(first);
    expect(first).toBe(JSON.stringify(answer));
  });
});
