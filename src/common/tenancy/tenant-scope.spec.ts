import { scopeOf } from './tenant-scope';

describe('scopeOf', () => {
  it('gives operator roles the platform and every other role its own organization', () => {
    expect(scopeOf({ role: 'admin', organizationId: 'op' })).toEqual({ kind: 'platform' });
    expect(scopeOf({ role: 'finance', organizationId: 'op' })).toEqual({ kind: 'platform' });
    expect(scopeOf({ role: 'publisher', organizationId: 'p1' })).toEqual({
      kind: 'organization',
      organizationId: 'p1',
    });
    expect(scopeOf({ role: 'licensee', organizationId: 'l1' })).toEqual({
      kind: 'organization',
      organizationId: 'l1',
    });
  });
});
