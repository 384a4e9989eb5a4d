import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SplitShare, WorkKind, WorkStatus } from './work-rules';

/** The current version of a work; earlier ones are in work_versions. */
@Entity('works')
export class Work {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('text')
  externalId!: string;

  @Column('text')
  title!: string;

  @Column('text')
  kind!: WorkKind;

  @Column('text', { nullable: true })
  language!: string | null;

  /** `YYYY-MM-DD`, kept as text so no time zone ever shifts it. */
  @Column('date', { nullable: true })
  publishedAt!: string | null;

  @Column('jsonb')
  metadata!: Record<string, unknown>;

  /** `scheme:value`, normalized, sorted. */
  @Column('text', { array: true })
  identifiers!: string[];

  /** The split set in force now (the latest version), sorted by payee id. */
  @Column('jsonb')
  splits!: SplitShare[];

  @Column('int')
  splitVersion!: number;

  @Column('text')
  status!: WorkStatus;

  @Column('int')
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  withdrawnAt!: Date | null;
}
