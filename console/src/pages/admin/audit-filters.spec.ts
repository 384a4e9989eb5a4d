import { auditFiltersFrom, auditFiltersToParams, dayBound } from './audit-filters';

describe('audit log filters in the URL', () => {
  it('reads the known filters, trimmed, and ignores the rest', () => {
    expect(
      auditFiltersFrom(
        new URLSearchParams('action=+payee.hold+&resourceType=&foo=bar&from=2027-07-01T00:00:00Z'),
      ),
    ).toEqual({ action: 'payee.hold', from: '2027-07-01T00:00:00Z' });
  });

  it('writes them back in a stable order, leaving out the empty ones', () => {
    expect(
      auditFiltersToParams({
        to: '2027-07-02T00:00:00Z',
        action: 'payout-run.approve',
        resourceId: ' ',
      }).toString(),
    ).toBe('action=payout-run.approve&to=2027-07-02T00%3A00%3A00Z');
  });

  it('turns picked days into the bounds of the range', () => {
    expect(dayBound('2027-07-01', 'from')).toBe('2027-07-01T00:00:00Z');
    expect(dayBound('2027-07-31', 'to')).toBe('2027-08-01T00:00:00Z');
    expect(dayBound('2028-02-28', 'to')).toBe('2028-02-29T00:00:00Z');
  });
});
