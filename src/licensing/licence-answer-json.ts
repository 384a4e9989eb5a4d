import { IssuedReceipt } from '../receipts/licence-receipts';
import { LicenceAnswerResponse } from './dto/licence-check.dto';

/**
 * A licensed answer's JSON, kept with the receipt it carries: everything in it follows from what
 * the receipt was issued for (identifier, usage, work, agreement and version, hence rate and
 * attribution), so while LicenceReceipts keeps the receipt the text is reused instead of
 * serialized again, and goes with the receipt (a WeakMap). Answers without a receipt (refusals,
 * a day too far ahead) are short and serialized each time.
 */
const texts = new WeakMap<IssuedReceipt, string>();

export function answerJson(answer: LicenceAnswerResponse): string {
  const receipt = answer.receipt;
  if (!receipt) return JSON.stringify(answer);
  let text = texts.get(receipt);
  if (text === undefined) {
    text = JSON.stringify(answer);
    texts.set(receipt, text);
  }
  return text;
}

const HEAD = '{"answers":[';
const TAIL = ']}';

/**
 * `{"answers":[…]}` written straight into one buffer from the answers' texts: the same bytes as
 * JSON.stringify, without building a megabyte string for a batch of 1,000 (V8 builds it from
 * pieces, and flattening it to count and write its bytes cost more than the answers).
 */
export function answersJson(answers: LicenceAnswerResponse[]): Buffer {
  const texts = answers.map(answerJson);
  let size = HEAD.length + TAIL.length + texts.length;
  for (const text of texts) size += Buffer.byteLength(text);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(HEAD, 0, 'latin1');
  texts.forEach((text, i) => {
    if (i > 0) at += body.write(',', at, 'latin1');
    at += body.write(text, at);
  });
  at += body.write(TAIL, at, 'latin1');
  return body.subarray(0, at);
}
