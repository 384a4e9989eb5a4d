import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Split shapes: each distinct set of shares (the works row's `splits`, jsonb) stored once, and
 * each work pointing at the shape of its current split. A royalty run shares its charges by
 * shape (docs/ROYALTIES.md): a work whose splits never changed (split_version 1) is read with
 * its shape from the works row, instead of aggregating its work_splits rows in every run.
 *
 * The shape is found by its content: unique on md5 of its text (a jsonb of 50 payees outgrows a
 * btree entry), and every lookup compares the jsonb itself as well, so two shapes sharing an md5
 * could never be taken for one another (the second would not be stored, and its writer would
 * fail). Shapes never change; `works.split_shape_id` has no foreign key (a per-row check on the
 * catalogue import): a work without one (NULL) is shared from work_splits, as every work with
 * more than one split version is.
 */
export class SplitShapes1766000000000 implements MigrationInterface {
  name = 'SplitShapes1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE split_shapes (
        id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        splits jsonb NOT NULL CHECK (jsonb_typeof(splits) = 'array')
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX split_shapes_content ON split_shapes (md5(splits::text))`,
    );
    await queryRunner.query(`
      CREATE TRIGGER split_shapes_append_only BEFORE UPDATE OR DELETE ON split_shapes
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    // Finds a shape by content, or stores it: concurrent writers of one new shape both get its id
    // (the second waits on the first's unique entry, then reads it).
    await queryRunner.query(`
      CREATE FUNCTION split_shape_id(shape jsonb) RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        found int;
      BEGIN
        SELECT id INTO found FROM split_shapes
         WHERE md5(splits::text) = md5(shape::text) AND splits = shape;
        IF found IS NULL THEN
          INSERT INTO split_shapes (splits) VALUES (shape) ON CONFLICT DO NOTHING RETURNING id INTO found;
        END IF;
        IF found IS NULL THEN
          SELECT id INTO found FROM split_shapes
           WHERE md5(splits::text) = md5(shape::text) AND splits = shape;
        END IF;
        IF found IS NULL THEN
          RAISE EXCEPTION 'split shape % shares its md5 with another', shape;
        END IF;
        RETURN found;
      END $$`);
    await queryRunner.query(`ALTER TABLE works ADD COLUMN split_shape_id int`);
    await queryRunner.query(BACKFILL_SPLIT_SHAPES);
    // A charge records the shape it was shared by, beside its split version; a run calculated
    // before has none (its payees' totals are stored). The charges a run has yet to find a split
    // version for (a work with more than one) are indexed, so that a run finds them without a scan.
    await queryRunner.query(`
      ALTER TABLE royalty_charges ADD COLUMN split_shape_id int;
      CREATE INDEX royalty_charges_split_pending ON royalty_charges (run_id)
       WHERE work_id IS NOT NULL AND split_version IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX royalty_charges_split_pending;
      ALTER TABLE royalty_charges DROP COLUMN split_shape_id`);
    await queryRunner.query(`ALTER TABLE works DROP COLUMN split_shape_id`);
    await queryRunner.query(`DROP FUNCTION split_shape_id(jsonb)`);
    await queryRunner.query(`DROP TABLE split_shapes`);
  }
}

/** The shapes of works written without one (before this migration; the benches' COPY). */
export const BACKFILL_SPLIT_SHAPES = `
  INSERT INTO split_shapes (splits)
  SELECT DISTINCT w.splits FROM works w
   WHERE w.split_shape_id IS NULL
     AND NOT EXISTS (SELECT 1 FROM split_shapes s
                      WHERE md5(s.splits::text) = md5(w.splits::text) AND s.splits = w.splits)
   ORDER BY 1;
  UPDATE works w SET split_shape_id = s.id
    FROM split_shapes s
   WHERE w.split_shape_id IS NULL
     AND md5(s.splits::text) = md5(w.splits::text) AND s.splits = w.splits`;
