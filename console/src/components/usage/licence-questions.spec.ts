import { askedWorks } from './licence-questions';

describe('askedWorks', () => {
  it('reads one work per line, skipping blank lines, each as the API names it', () => {
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(
      askedWorks(
        ` isbn:0306406152 \r\n\nhttps://news.example/story-1\n${hash}\n  \next:Northwind-1`,
      ),
    ).toEqual([
      { asked: 'isbn:0306406152', work: { identifier: 'isbn:0306406152' } },
      { asked: 'https://news.example/story-1', work: { url: 'https://news.example/story-1' } },
      { asked: hash, work: { sha256: hash } },
      { asked: 'ext:Northwind-1', work: { identifier: 'ext:Northwind-1' } },
    ]);
  });

  it('reads nothing from an empty list', () => {
    expect(askedWorks(' \n\n')).toEqual([]);
  });
});
