import { normalizeIdentifier } from './identifier';

const sha256 = (value: string) => normalizeIdentifier('sha256', value);
/** SHA-256 of the empty string. */
const EMPTY_DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('sha256: a lower-case digest', () => {
  it('is accepted as is', () => {
    expect(sha256(EMPTY_DIGEST)).toEqual({
      ok: true,
      identifier: { scheme: 'sha256', value: EMPTY_DIGEST },
    });
  });
});

describe('sha256: equivalent forms', () => {
  it('lower-cases an upper-case digest', () => {
    expect(sha256(` ${EMPTY_DIGEST.toUpperCase()} `)).toEqual({
      ok: true,
      identifier: { scheme: 'sha256', value: EMPTY_DIGEST },
    });
  });
});

describe('sha256: malformed values', () => {
  it('rejects a wrong length, non-hex digits and a prefix', () => {
    const reason = 'sha256 must be 64 hexadecimal digits';
    for (const value of [
      EMPTY_DIGEST.slice(1),
      `${EMPTY_DIGEST}0`,
      `g${EMPTY_DIGEST.slice(1)}`,
      `sha256-${EMPTY_DIGEST}`,
    ]) {
      expect(sha256(value)).toEqual({ ok: false, reason });
    }
  });
});
