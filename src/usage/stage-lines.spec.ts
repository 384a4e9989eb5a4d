import { Readable } from 'node:stream';
import fc from 'fast-check';
import { CopyRows } from '../common/bulk/copy-rows';
import { RepeatWatch } from './repeat-watch';
import { Received, stageLines, stageNdjson } from './stage-lines';
import { UsageLineBytes } from './usage-line-bytes';
import { receiptId } from '../receipts/receipt-id';

const period = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };
const received = (): Received => ({
  lines: 0n,
  units: 0n,
  invalid: 0n,
  lineIds: new RepeatWatch(100),
  citing: 0n,
});

/** What COPY is sent: bytes (a string piece is sent as its UTF-8). */
async function text(chunks: AsyncIterable<string | Buffer>): Promise<string> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(Buffer.from(chunk));
  return Buffer.concat(all).toString();
}

/** The NDJSON path (fast where it can be) and the general path, on the same lines. */
async function bothPaths(lines: string[], split = 1 << 30) {
  const body = lines.map((line) => `${line}\n`).join('');
  const bytes = Buffer.from(body);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += split) pieces.push(bytes.subarray(at, at + split));
  const ndjson = received();
  const viaNdjson = await text(stageNdjson(Readable.from(pieces), period, ndjson));
  const general = received();
  const parsed = lines
    .map((line, i) => ({ line, lineNo: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, lineNo }) => {
      try {
        return { lineNo, input: JSON.parse(line) as unknown };
      } catch {
        return { lineNo, parseError: 'not valid JSON' };
      }
    });
  const viaGeneral = await text(stageLines([parsed], period, general));
  return { viaNdjson, viaGeneral, ndjson, general };
}

/** Whether the byte path takes the line (else it goes the general way). */
function fastTakes(line: string): boolean {
  const fast = new UsageLineBytes(period, new RepeatWatch(10));
  return fast.stage(Buffer.from(line), 0, Buffer.byteLength(line), 1, new CopyRows());
}

const ID = '3f2b8c1e-9a4d-4c2e-8f1a-0123456789ab';
const receiptFor = (day: string) =>
  receiptId(Buffer.alloc(32, 7), 1, {
    licenseeId: ID,
    workId: ID,
    usage: 'ai-train',
    day,
    agreementId: ID,
    agreementVersion: 1,
  });
const RECEIPT = receiptFor('2027-06-09');
const typical = [
  `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"ai-train","units":120,"unit":"token","occurredOn":"2027-06-02"}`,
  `{"lineId":"L2","workId":"${ID.toUpperCase()}","usage":"ai-input","units":"7","unit":"request"}`,
  `{"lineId":"L3","sha256":"${'AB'.repeat(32)}","usage":"all","units":0,"unit":"byte","agreementId":"${ID}","model":"m-1 (beta)","territory":"DE","revenue":1999}`,
  `{"lineId":"L4","identifier":"sha256:${'c'.repeat(64)}","usage":"search","units":5,"unit":"crawl"}`,
  `{"lineId":"L5","workId":"${ID}","usage":"ai-train","units":1,"unit":"token","receiptId":"${RECEIPT}"}`,
];

describe('staging NDJSON lines', () => {
  it('takes the usual shapes on the byte path, and stages them as the general path does', async () => {
    for (const line of typical) expect(fastTakes(line)).toBe(true);
    const { viaNdjson, viaGeneral, ndjson } = await bothPaths(typical);
    expect(viaNdjson).toBe(viaGeneral);
    expect(viaNdjson.split('\n')[1]).toBe(
      `2\tL2\t${ID}\t\\N\t\\N\tworkId:${ID.toUpperCase()}\tai-input\trequest\t7\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N`,
    );
    // An undated line citing a receipt is dated by it.
    expect(viaNdjson.split('\n')[4]).toBe(
      `5\tL5\t${ID}\t\\N\t\\N\tworkId:${ID}\tai-train\ttoken\t1\t\\N\t\\N\t\\N\t2027-06-09\t\\N\t${RECEIPT}\t\\N`,
    );
    expect(ndjson).toMatchObject({ lines: 5n, units: 133n, invalid: 0n, citing: 1n });
  });

  it('leaves every other line to the general path', () => {
    const others = [
      `{"lineId": "L1","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L\\u0031","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:978-0-306-40615-7","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"doi:10.1000/182","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"Lé","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"x-acme:tune","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token","model":null}`,
      `{"lineId":"L1","lineId":"L2","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"ai-train","units":1234567890123456,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token","occurredOn":"2027-07-01"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406158","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","workId":"00000000-0000-0000-0000-000000000000","usage":"ai-train","units":1,"unit":"token"}`,
      `{"lineId":"L1","identifier":"isbn:9780306406157","usage":"ai-train","units":1,"unit":"token","territory":"XX"}`,
      // A receipt id not in its form, and one whose day is outside the period of an undated line.
      `{"lineId":"L1","workId":"${ID}","usage":"ai-train","units":1,"unit":"token","receiptId":"${RECEIPT.slice(0, -1)}B"}`,
      `{"lineId":"L1","workId":"${ID}","usage":"ai-train","units":1,"unit":"token","receiptId":"${receiptFor('2027-07-01')}"}`,
    ];
    for (const line of others)
      expect({ line, fast: fastTakes(line) }).toEqual({ line, fast: false });
  });

  it('numbers lines as they stand in the body (blank ones too), the last without its newline', async () => {
    const body = `${typical[0]}\n\n${typical[1]}\r\n{"lineId":"L9"}\n${typical[3]}`;
    const got = received();
    const rows = (await text(stageNdjson(Readable.from([Buffer.from(body)]), period, got))).split(
      '\n',
    );
    expect(rows.map((row) => row.split('\t')[0])).toEqual(['1', '3', '4', '5', '']);
    expect(rows[2].split('\t').at(-1)).toBe(
      'give exactly one of workId, identifier, url and sha256',
    );
    expect(got).toMatchObject({ lines: 4n, units: 132n, invalid: 1n });
  });

  it('refuses a body that is not NDJSON, and a line too long, as 400s', async () => {
    await expect(
      text(
        stageNdjson(
          Readable.from([Buffer.from('lineId,usage\nL1,ai-train\n')]),
          period,
          received(),
        ),
      ),
    ).rejects.toMatchObject({ code: 'unreadable-import' });
    const long = `${typical[0]}\n{"lineId":"${'x'.repeat(2 * 1024 * 1024)}"}\n`;
    // As it arrives (64 KiB at a time): refused once the unfinished line passes the limit.
    const bytes = Buffer.from(long);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65_536) pieces.push(bytes.subarray(at, at + 65_536));
    await expect(
      text(stageNdjson(Readable.from(pieces), period, received())),
    ).rejects.toMatchObject({
      code: 'line-too-long',
      detail: 'Line 2 is longer than 1048576 characters',
    });
  });

  it('stages any line exactly as the general path would (property)', async () => {
    // Mostly valid values (the byte path's share), with every kind of wrong one mixed in.
    const mostly = <T, U>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: wrong, weight: 1 });
    const id = mostly(
      fc.oneof(fc.uuid(), fc.constantFrom(ID, ID.toUpperCase())),
      fc.constantFrom('0'.repeat(36), '00000000-0000-0000-0000-000000000000', `${ID}0`, 7),
    );
    const text = mostly(
      fc.stringMatching(/^[ -~]{1,12}$/),
      fc.constantFrom('', ' ', 'a\tb', 'é', '\ud800', 'x'.repeat(201), 'a\\b', 3),
    );
    const count = mostly(
      fc.oneof(fc.nat(), fc.nat().map(String)),
      fc.oneof(
        fc.constantFrom(2 ** 53 - 1, 2 ** 53, 999_999_999_999_999, 1e15, -1, 1.5, '01', '1e3'),
        fc.stringMatching(/^[0-9]{1,19}$/),
      ),
    );
    const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
    const work = fc.oneof(
      fc.record({ workId: id }),
      fc.record({
        identifier: mostly(
          fc.constantFrom('isbn:9780306406157', 'isbn:9791234567896', `sha256:${'Ab'.repeat(32)}`),
          fc.constantFrom(
            'isbn:9780306406158',
            'isbn:978-0-306-40615-7',
            'ISBN:9780306406157',
            'doi:10.1000/182',
            'isbn:',
          ),
        ),
      }),
      fc.record({
        sha256: mostly(
          fc.constantFrom('ab'.repeat(32), 'AB'.repeat(32)),
          fc.constant('ab'.repeat(31)),
        ),
      }),
      fc.record({ workId: id, sha256: fc.constant('ab'.repeat(32)) }),
      fc.record({ url: fc.constant('https://example.com/a') }),
      fc.constant({}),
    );
    const line = fc
      .tuple(
        work,
        fc.record(
          {
            lineId: mostly(text, fc.constantFrom('  ', null)),
            usage: mostly(
              fc.constantFrom('ai-train', 'ai-input', 'all'),
              fc.constantFrom('x-acme:tune', 'train', ''),
            ),
            units: count,
            unit: mostly(fc.constantFrom('token', 'request', 'byte'), fc.constant('tokens')),
            agreementId: optional(id),
            model: optional(text),
            territory: optional(
              mostly(fc.constantFrom('DE', 'GB'), fc.constantFrom('de', 'XX', 'D')),
            ),
            occurredOn: optional(
              mostly(
                fc.constantFrom('2027-06-01', '2027-06-30'),
                fc.constantFrom('2027-07-01', '2027-02-30', '2027-6-01'),
              ),
            ),
            revenue: optional(count),
            receiptId: optional(
              mostly(
                fc.constantFrom('2027-06-01', '2027-06-17', '2027-06-30').map(receiptFor),
                fc.constantFrom(
                  receiptFor('2027-05-31'),
                  receiptFor('2027-07-01'),
                  `${RECEIPT.slice(0, -1)}Q`,
                  `${RECEIPT.slice(0, -1)}B`,
                  `${RECEIPT.slice(0, 9)}+${RECEIPT.slice(10)}`,
                  RECEIPT.slice(1),
                  `rcpx_${RECEIPT.slice(5)}`,
                  RECEIPT.toUpperCase(),
                ),
              ),
            ),
            extra: mostly(fc.constant(undefined), fc.constant(1)),
          },
          { requiredKeys: ['lineId', 'usage', 'units', 'unit'] },
        ),
      )
      .map(([workFields, fields]) => ({ ...fields, ...workFields }));
    const render = fc.tuple(line, fc.constantFrom('plain', 'spaced', 'crlf', 'nulls'));
    let fastLines = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(render, { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (rendered, split) => {
          const lines = rendered.map(([fields, style]) => {
            const json =
              style === 'spaced'
                ? JSON.stringify(fields, null, 1).replace(/\n/g, '')
                : JSON.stringify(style === 'nulls' ? { ...fields, model: null } : fields);
            return style === 'crlf' ? `${json}\r` : json;
          });
          for (const l of lines) if (fastTakes(l)) fastLines++;
          const { viaNdjson, viaGeneral, ndjson, general } = await bothPaths(lines, split);
          expect(viaNdjson).toBe(viaGeneral);
          expect(ndjson.lines).toBe(general.lines);
          expect(ndjson.units).toBe(general.units);
          expect(ndjson.invalid).toBe(general.invalid);
          expect(ndjson.citing).toBe(general.citing);
          expect(ndjson.lineIds.suspected()).toEqual(general.lineIds.suspected());
        },
      ),
      { numRuns: 400 },
    );
    // The property is about the byte path: it must have taken a good share of the lines.
    expect(fastLines).toBeGreaterThan(100);
  });
});
