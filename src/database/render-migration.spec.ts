import { Query } from 'typeorm/driver/Query';
import { renderMigration, withoutDatabaseOnlyDrops } from './render-migration';

const q = (text: string) => new Query(text);

describe('withoutDatabaseOnlyDrops', () => {
  it('keeps additive changes and leaves out drops of database-only invariants with their restores', () => {
    const result = withoutDatabaseOnlyDrops(
      [
        q('ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_key_hash_check"'),
        q('DROP INDEX "public"."api_keys_prefix"'),
        q('ALTER TABLE "audit_events" ALTER COLUMN "occurred_at" DROP DEFAULT'),
        q('CREATE TABLE "works" ("id" uuid NOT NULL)'),
      ],
      [
        q('ALTER TABLE "audit_events" ALTER COLUMN "occurred_at" SET DEFAULT now()'),
        q('CREATE INDEX "api_keys_prefix" ON "api_keys" ("prefix") '),
        q(
          'ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_key_hash_check" CHECK ((length(key_hash) = 32))',
        ),
        q('DROP TABLE "works"'),
      ],
    );
    expect(result.up.map((query) => query.query)).toEqual([
      'CREATE TABLE "works" ("id" uuid NOT NULL)',
    ]);
    expect(result.down.map((query) => query.query)).toEqual(['DROP TABLE "works"']);
    expect(result.skipped).toEqual(['api_keys_key_hash_check', 'api_keys_prefix', 'occurred_at']);
  });
});

describe('renderMigration', () => {
  it('writes a class named after the change with up in order and down reversed', () => {
    const text = renderMigration(
      'AddWorks',
      1,
      [q('CREATE TABLE a'), q('CREATE TABLE b')],
      [q('DROP TABLE a'), q('DROP TABLE b')],
    );
    expect(text).toContain('export class AddWorks1 implements MigrationInterface');
    expect(text.indexOf('"CREATE TABLE a"')).toBeLessThan(text.indexOf('"CREATE TABLE b"'));
    expect(text.indexOf('"DROP TABLE b"')).toBeLessThan(text.indexOf('"DROP TABLE a"'));
  });
});
