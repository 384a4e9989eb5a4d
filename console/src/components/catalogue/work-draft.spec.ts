import type { components } from '../../api/schema';
import { draftOf, emptyDraft, shareSum, toCreateBody, toUpdateBody } from './work-draft';

type Work = components['schemas']['WorkResponse'];

const A = '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d';
const B = '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8e';

const work: Work = {
  id: '019abc3e-0000-7b3c-9a51-2f4e5d6c7b8d',
  externalId: 'NWP-1',
  title: 'Notes',
  kind: 'book',
  identifiers: [{ scheme: 'isbn', value: '9780306406157' }],
  language: null,
  publishedAt: null,
  metadata: {},
  splits: [
    { payeeId: A, shareBps: 6000 },
    { payeeId: B, shareBps: 4000 },
  ],
  splitVersion: 1,
  status: 'active',
  version: 3,
  conflict: false,
  conflictingIdentifiers: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  withdrawnAt: null,
};

describe('the work form draft', () => {
  it('sums typed shares, or says nothing while one is not a whole number', () => {
    const splits = [
      { key: '1', payeeId: A, shareBps: '6000' },
      { key: '2', payeeId: B, shareBps: ' 3000 ' },
    ];
    expect(shareSum(splits)).toBe(9000);
    expect(shareSum([...splits, { key: '3', payeeId: null, shareBps: '12.5' }])).toBeNull();
    expect(shareSum([])).toBe(0);
  });

  it('sends what was typed for the API to judge, leaving out empty optional fields', () => {
    const draft = {
      ...emptyDraft(),
      title: 'T',
      externalId: 'X-1',
      identifiers: [
        { key: '1', scheme: 'isbn' as const, value: '0-306-40615-2' },
        { key: '2', scheme: 'doi' as const, value: '  ' },
      ],
      splits: [
        { key: '1', payeeId: A, shareBps: '6000' },
        { key: '2', payeeId: null, shareBps: 'half' },
      ],
    };
    expect(toCreateBody(draft)).toEqual({
      title: 'T',
      externalId: 'X-1',
      kind: 'book',
      identifiers: [{ scheme: 'isbn', value: '0-306-40615-2' }],
      splits: [
        { payeeId: A, shareBps: 6000 },
        { payeeId: '', shareBps: null },
      ],
    });
    expect(toCreateBody({ ...draft, splits: [] })).not.toHaveProperty('splits');
  });

  it('sends splits on edit only when they changed, with their effective date', () => {
    const unchanged = { ...draftOf(work), splitsEffectiveFrom: '2027-01-01' };
    unchanged.splits.reverse();
    expect(toUpdateBody(unchanged, work)).toEqual({
      title: 'Notes',
      externalId: 'NWP-1',
      kind: 'book',
      identifiers: [{ scheme: 'isbn', value: '9780306406157' }],
      language: null,
      publishedAt: null,
    });
    const changed = {
      ...unchanged,
      splits: unchanged.splits.map((s) => ({ ...s, shareBps: s.payeeId === A ? '7000' : '3000' })),
    };
    expect(toUpdateBody(changed, work)).toMatchObject({
      splits: [
        { payeeId: B, shareBps: 3000 },
        { payeeId: A, shareBps: 7000 },
      ],
      splitsEffectiveFrom: '2027-01-01',
    });
  });
});
