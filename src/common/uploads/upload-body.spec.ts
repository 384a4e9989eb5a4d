import { PassThrough, Readable } from 'node:stream';
import { DomainError } from '../errors/domain-error';
import { uploadBody } from './upload-body';

const IDLE_MS = 60_000;

function body(...chunks: string[]): Readable {
  return Readable.from(
    chunks.map((chunk) => Buffer.from(chunk)),
    { objectMode: false },
  );
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString();
  return text;
}

async function failure(stream: Readable): Promise<DomainError> {
  try {
    await readAll(stream);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('the body was read to its end');
}

describe('uploadBody: bytes received', () => {
  it('counts every byte that passed, multi-byte characters as their bytes', async () => {
    const chunks = ['{"lineId":"a"}\n', '{"lineId":"é"}\n', 'x'.repeat(1000)];
    const upload = uploadBody(body(...chunks), {
      maxBytes: 10_000,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    expect(upload.bytes).toBe(0);
    expect(await readAll(upload)).toBe(chunks.join(''));
    expect(upload.bytes).toBe(Buffer.byteLength(chunks.join('')));
    expect(upload.bytes).toBe(15 + 16 + 1000);
  });
});

describe('uploadBody: the quota left is smaller than the route maximum', () => {
  it('refuses the byte past the quota with 413 upload-quota-exceeded', async () => {
    const upload = uploadBody(body('a'.repeat(60), 'b'.repeat(41)), {
      maxBytes: 1000,
      quotaBytes: 100,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    const error = await failure(upload);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'upload-quota-exceeded',
      status: 413,
      extensions: { remainingBytes: 100 },
    });
  });

  it('takes a body of exactly the quota', async () => {
    const upload = uploadBody(body('a'.repeat(60), 'b'.repeat(40)), {
      maxBytes: 1000,
      quotaBytes: 100,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    expect((await readAll(upload)).length).toBe(100);
    expect(upload.bytes).toBe(100);
  });
});

describe('uploadBody: the route maximum is smaller than the quota left', () => {
  it('refuses the byte past the maximum with 413 payload-too-large', async () => {
    const upload = uploadBody(body('a'.repeat(60), 'b'.repeat(41)), {
      maxBytes: 100,
      quotaBytes: 5000,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    expect(await failure(upload)).toMatchObject({ code: 'payload-too-large', status: 413 });
  });
});

describe('uploadBody: the route starts reading late', () => {
  const later = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('reads nothing before the route does, so a 413 on the first chunk reaches the route', async () => {
    const upload = uploadBody(body('a'.repeat(500)), {
      maxBytes: 1000,
      quotaBytes: 100,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    await later();
    expect(upload.bytes).toBe(0);
    expect(await failure(upload)).toMatchObject({ code: 'upload-quota-exceeded', status: 413 });
  });

  it('hands the route a client error that came before it read', async () => {
    const source = new Readable({ read() {} });
    const upload = uploadBody(source, {
      maxBytes: 1000,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    source.destroy(new Error('aborted'));
    await later();
    await expect(readAll(upload)).rejects.toThrow('aborted');
  });

  it('hands it to a route that pipes the body, too', async () => {
    const source = new Readable({ read() {} });
    const upload = uploadBody(source, {
      maxBytes: 1000,
      idleTimeoutMs: IDLE_MS,
      minBytesPerSecond: 0,
    });
    source.destroy(new Error('aborted'));
    await later();
    const seen = new Promise<Error>((resolve) => upload.on('error', resolve));
    upload.pipe(new PassThrough());
    expect((await seen).message).toBe('aborted');
  });
});
