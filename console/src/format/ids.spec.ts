import { shortForm } from './ids';

describe('short ids', () => {
  it('shows a UUIDv7 by its random tail, other ids by their start', () => {
    expect(shortForm('01a24631-5f2e-7c1d-9b3a-4e8f2a6c9d10')).toBe('…2a6c9d10');
    expect(shortForm('tr_4zfc8sVuQgo3tMukX5oAB4Ks')).toBe('tr_4zfc8sVuQ…');
    expect(shortForm('tr_short')).toBe('tr_short');
  });
});
