import { contentTypeOf, formatBytes, formatUploadProgress } from './bytes';

describe('sizes and catalogue file types', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(4 * 1024 ** 3)).toBe('4 GiB');
    expect(formatBytes(256 * 1024 ** 3)).toBe('256 GiB');
    expect(formatUploadProgress(512 * 1024, 1024 * 1024)).toBe('512 KiB of 1 MiB (50.0 %)');
  });

  it('names the media type from the extension', () => {
    expect(contentTypeOf('catalogue.NDJSON')).toBe('application/x-ndjson');
    expect(contentTypeOf('works.jsonl')).toBe('application/x-ndjson');
    expect(contentTypeOf('works.csv')).toBe('text/csv');
    expect(contentTypeOf('works.xlsx')).toBeNull();
  });
});
