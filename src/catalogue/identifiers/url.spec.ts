import { normalizeIdentifier } from './identifier';

const url = (value: string) => normalizeIdentifier('url', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'url', value } });

describe('url: an already canonical URL', () => {
  it('is kept as is', () => {
    expect(url('https://example.com/books/42?edition=2')).toEqual(
      normalized('https://example.com/books/42?edition=2'),
    );
  });
});

describe('url: http and https only', () => {
  it('accepts http', () => {
    expect(url('http://example.com/a')).toEqual(normalized('http://example.com/a'));
  });

  it('rejects other schemes', () => {
    for (const value of [
      'ftp://example.com/a',
      'mailto:someone@example.com',
      'file:///etc/hosts',
    ]) {
      expect(url(value)).toEqual({ ok: false, reason: 'url must be http or https' });
    }
  });
});

describe('url: scheme and host case', () => {
  it('lower-cases the scheme and host but not the path or query', () => {
    expect(url('HTTPS://Example.COM/Books/A?Q=X')).toEqual(
      normalized('https://example.com/Books/A?Q=X'),
    );
  });
});

describe('url: www', () => {
  it('keeps the host as is', () => {
    expect(url('https://www.example.com/a')).toEqual(normalized('https://www.example.com/a'));
  });
});

describe('url: ports', () => {
  it('drops the default port and keeps any other', () => {
    expect(url('https://example.com:443/a')).toEqual(normalized('https://example.com/a'));
    expect(url('http://example.com:80/a')).toEqual(normalized('http://example.com/a'));
    expect(url('http://example.com:443/a')).toEqual(normalized('http://example.com:443/a'));
    expect(url('https://example.com:8443/a')).toEqual(normalized('https://example.com:8443/a'));
  });
});

describe('url: the fragment', () => {
  it('is dropped', () => {
    expect(url('https://example.com/a?b=1#section-2')).toEqual(
      normalized('https://example.com/a?b=1'),
    );
    expect(url('https://example.com/#')).toEqual(normalized('https://example.com/'));
  });
});

describe('url: tracking parameters', () => {
  it('are dropped, every one of them, and the ? with them when nothing remains', () => {
    expect(
      url(
        'https://example.com/a?utm_source=x&utm_medium=y&utm_campaign=z&utm_=1&gclid=1&fbclid=2&mc_cid=3&mc_eid=4&ref_src=twsrc&igshid=5',
      ),
    ).toEqual(normalized('https://example.com/a'));
  });

  it('leave the other parameters in their order and encoding', () => {
    expect(
      url('https://example.com/a?z=1&utm_source=news&a=b%20c+d&gclid&m=%2F&fbclid=x#top'),
    ).toEqual(normalized('https://example.com/a?z=1&a=b%20c+d&m=%2F'));
  });

  it('are dropped alone too, with a value or bare, at the end or before another', () => {
    for (const name of ['gclid', 'fbclid', 'mc_cid', 'mc_eid', 'ref_src', 'igshid', 'utm_id']) {
      expect(url(`https://example.com/a?k=1&${name}=v`)).toEqual(
        normalized('https://example.com/a?k=1'),
      );
      expect(url(`https://example.com/a?k=1&${name}`)).toEqual(
        normalized('https://example.com/a?k=1'),
      );
      expect(url(`https://example.com/a?${name}&k=1`)).toEqual(
        normalized('https://example.com/a?k=1'),
      );
    }
  });

  it('are matched by exact name only', () => {
    expect(url('https://example.com/a?UTM_SOURCE=x&gclid_id=1&xutm_a=2&ref=3')).toEqual(
      normalized('https://example.com/a?UTM_SOURCE=x&gclid_id=1&xutm_a=2&ref=3'),
    );
  });
});

describe('url: empty queries and pairs', () => {
  it('drop an empty ? and empty pairs', () => {
    expect(url('https://example.com/a?')).toEqual(normalized('https://example.com/a'));
    expect(url('https://example.com/a?&b=1&&c=2&')).toEqual(
      normalized('https://example.com/a?b=1&c=2'),
    );
  });
});

describe('url: trailing slash', () => {
  it('gives the root path a single /', () => {
    expect(url('https://example.com')).toEqual(normalized('https://example.com/'));
    expect(url('https://example.com/')).toEqual(normalized('https://example.com/'));
    expect(url('https://example.com?utm_source=x')).toEqual(normalized('https://example.com/'));
  });

  it('removes the trailing slash of any other path', () => {
    expect(url('https://example.com/a/b/')).toEqual(normalized('https://example.com/a/b'));
    expect(url('https://example.com/a/b/?c=1')).toEqual(normalized('https://example.com/a/b?c=1'));
    expect(url('https://example.com/a/b//')).toEqual(normalized('https://example.com/a/b'));
  });
});

describe('url: parser canonicalization', () => {
  it('resolves dot segments and percent-encodes spaces', () => {
    expect(url('https://example.com/a/./b/../c d')).toEqual(
      normalized('https://example.com/a/c%20d'),
    );
  });

  it('encodes an IDN host as punycode', () => {
    expect(url('https://bücher.example/')).toEqual(normalized('https://xn--bcher-kva.example/'));
  });
});

describe('url: credentials', () => {
  it('are rejected, a user name or a password alone included', () => {
    for (const value of [
      'https://user:secret@example.com/',
      'https://user@example.com/',
      'https://:secret@example.com/',
    ]) {
      expect(url(value)).toEqual({ ok: false, reason: 'url must not contain credentials' });
    }
  });
});

describe('url: malformed values', () => {
  it('rejects relative and unparsable URLs', () => {
    for (const value of ['example.com/a', '/a/b', 'https://', 'http://exa mple.com/']) {
      expect(url(value)).toEqual({ ok: false, reason: 'url is not a valid absolute URL' });
    }
  });
});
