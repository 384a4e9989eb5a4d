import { csvHeaderProblem, csvRecordToInput, validateWorkRecord } from './import-record';

const PAYEE_A = '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a';
const PAYEE_B = '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8b';

describe('validateWorkRecord', () => {
  it('accepts a full line and normalizes it', () => {
    expect(
      validateWorkRecord({
        externalId: 'W-1',
        title: 'A title',
        kind: 'article',
        identifiers: [
          'isbn:0-306-40615-2',
          { scheme: 'doi', value: '10.1000/ABC' },
          'isbn:9780306406157',
        ],
        language: 'en',
        publishedAt: '2020-02-29',
        metadata: { a: 1 },
        splits: [
          { payeeId: PAYEE_B, shareBps: 2500 },
          { payeeId: PAYEE_A, shareBps: 7500 },
        ],
      }),
    ).toEqual({
      ok: true,
      work: {
        externalId: 'W-1',
        title: 'A title',
        kind: 'article',
        identifiers: ['doi:10.1000/abc', 'isbn:9780306406157'],
        language: 'en',
        publishedAt: '2020-02-29',
        metadata: { a: 1 },
        splits: [
          { payeeId: PAYEE_A, shareBps: 7500 },
          { payeeId: PAYEE_B, shareBps: 2500 },
        ],
      },
    });
  });

  it('defaults the optional fields', () => {
    expect(validateWorkRecord({ externalId: 'W-2', title: 'T', kind: 'other' })).toEqual({
      ok: true,
      work: {
        externalId: 'W-2',
        title: 'T',
        kind: 'other',
        identifiers: [],
        language: null,
        publishedAt: null,
        metadata: {},
        splits: null,
      },
    });
  });

  it.each([
    [[1, 2], 'a line must be a JSON object'],
    [{ externalId: 'W', title: 'T', kind: 'book', colour: 'red' }, 'unknown field colour'],
    [
      { externalId: ' ', title: 'T', kind: 'book' },
      'externalId must be a non-blank string of at most 200 characters',
    ],
    [
      { externalId: 'W', title: 'T', kind: 'novel' },
      'kind must be one of book, article, web-page, image, audio, video, code, dataset, other',
    ],
    [
      { externalId: 'W', title: 'T', kind: 'book', publishedAt: '2021-02-29' },
      'publishedAt must be a date, YYYY-MM-DD',
    ],
    [
      { externalId: 'W', title: 'T', kind: 'book', identifiers: ['isbn:9780306406158'] },
      'isbn 9780306406158 has a wrong check digit (expected 7)',
    ],
    [
      { externalId: 'W', title: 'T', kind: 'book', splits: [{ payeeId: PAYEE_A, shareBps: 9000 }] },
      'shares sum to 9000 bps; they must sum to exactly 10000',
    ],
    [
      { externalId: 'W', title: 'T', kind: 'book', splits: [{ payeeId: 'me', shareBps: 10000 }] },
      'each split needs a payeeId (UUID) and a shareBps',
    ],
    [{ externalId: 'W', title: 'T', kind: 'book', metadata: [] }, 'metadata must be a JSON object'],
  ])('rejects %j: %s', (input, reason) => {
    expect(validateWorkRecord(input)).toEqual({
      ok: false,
      reason,
      externalId: (input as { externalId?: string }).externalId ?? null,
    });
  });
});

describe('CSV', () => {
  it('checks the header', () => {
    expect(csvHeaderProblem(['externalId', 'title', 'kind', 'identifiers'])).toBeNull();
    expect(csvHeaderProblem(['externalId', 'title'])).toBe('missing CSV column kind');
    expect(csvHeaderProblem(['externalId', 'title', 'kind', 'colour'])).toBe(
      'unknown CSV column colour; the columns are externalId, title, kind, identifiers, language, publishedAt, splits, metadata',
    );
  });

  it('maps cells to the NDJSON shape', () => {
    expect(
      csvRecordToInput({
        externalId: 'W-3',
        title: 'T',
        kind: 'book',
        identifiers: 'isbn:9780306406157| doi:10.1000/182',
        splits: `${PAYEE_A}:6000|${PAYEE_B}:4000`,
        metadata: '{"a":[1]}',
        language: '',
      }),
    ).toEqual({
      externalId: 'W-3',
      title: 'T',
      kind: 'book',
      identifiers: ['isbn:9780306406157', 'doi:10.1000/182'],
      splits: [
        { payeeId: PAYEE_A, shareBps: 6000 },
        { payeeId: PAYEE_B, shareBps: 4000 },
      ],
      metadata: { a: [1] },
    });
    expect(csvRecordToInput({ externalId: 'W', title: 'T', kind: 'book', metadata: '{oops' })).toBe(
      'metadata is not valid JSON',
    );
  });
});
