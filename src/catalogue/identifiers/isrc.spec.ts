import { normalizeIdentifier } from './identifier';

const isrc = (value: string) => normalizeIdentifier('isrc', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'isrc', value } });

describe('isrc: a compact ISRC', () => {
  it('accepts USRC17607839 as is', () => {
    expect(isrc('USRC17607839')).toEqual(normalized('USRC17607839'));
  });
});

describe('isrc: equivalent forms', () => {
  it('drops hyphens and upper-cases', () => {
    for (const form of ['US-RC1-76-07839', 'usrc17607839', 'us-rc1-76-07839', 'USRC1-76-07839']) {
      expect(isrc(form)).toEqual(normalized('USRC17607839'));
    }
  });
});

describe('isrc: malformed values', () => {
  it('rejects a wrong length, a digit in the country, a letter in the year or designation', () => {
    const reason =
      'isrc must be 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)';
    for (const value of [
      'USRC1760783',
      'USRC176078390',
      'U1RC17607839',
      'USRC1A607839',
      'USRC1760783A',
      'US-RC-176-07839',
      'US RC1 76 07839',
    ]) {
      expect(isrc(value)).toEqual({ ok: false, reason });
    }
  });
});

describe('isrc: an unallocated country code', () => {
  it('refuses QX, naming the code', () => {
    expect(isrc('qx1234567890')).toEqual({
      ok: false,
      reason:
        'isrc QX1234567890 has an unallocated country code QX (neither ISO 3166-1 nor an ISRC agency prefix)',
    });
  });
});

// Peer libraries' published test vectors, with the results they expect.

describe('isrc: python-stdnum stdnum/isrc.py and tests/test_isrc.doctest', () => {
  // https://github.com/arthurdejong/python-stdnum/blob/master/tests/test_isrc.doctest
  it.each(['US-SKG-19-12345', 'USSKG1912345', 'us-skg1912345'])('validates %s', (value) => {
    expect(isrc(value)).toEqual(normalized('USSKG1912345'));
  });

  it.each(['US-SKG-19-123456', 'US-SKG-19-1234*'])(
    'refuses %s (InvalidLength, InvalidFormat)',
    (value) => {
      expect(isrc(value)).toEqual({
        ok: false,
        reason:
          'isrc must be 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)',
      });
    },
  );

  it('refuses XX-SKG-19-12345 (InvalidComponent)', () => {
    expect(isrc('XX-SKG-19-12345')).toEqual({
      ok: false,
      reason:
        'isrc XXSKG1912345 has an unallocated country code XX (neither ISO 3166-1 nor an ISRC agency prefix)',
    });
  });
});

describe('isrc: the allocated country codes, exactly python-stdnum list', () => {
  // stdnum/isrc.py `_country_codes` (python-stdnum commit 152d4c5): `_iso_3116_1_country_codes`
  // of stdnum/isin.py (today's 249 ISO 3166-1 codes, and AN and CS) and 19 ISRC prefixes.
  const STDNUM_ISO_3166_1 =
    'AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO ' +
    'BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CS CU CV CW CX CY CZ DE DJ ' +
    'DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ ' +
    'GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI ' +
    'KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK ' +
    'PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ' +
    'ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE ' +
    'VG VI VN VU WF WS YE YT ZA ZM ZW';
  const STDNUM_ISRC_SPECIAL = 'BC BK BP BX CB CP DG FX GX KS QM QN QT QZ UK XK YU ZB ZZ';

  it('accepts every one of them and refuses the other 406 two-letter codes', () => {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    const accepted = letters
      .flatMap((a) => letters.map((b) => a + b))
      .filter((code) => isrc(`${code}RC17607839`).ok);
    const expected = `${STDNUM_ISO_3166_1} ${STDNUM_ISRC_SPECIAL}`.split(' ').sort();
    expect(expected).toHaveLength(270);
    expect(accepted).toEqual(expected);
  });
});
