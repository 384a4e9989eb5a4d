import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('uuid')
  principalId!: string;

  /** The key's first characters, shown to people and used to find the row. */
  @Column('text')
  prefix!: string;

  /** SHA-256 of the whole key; the key itself is never stored. */
  @Column('bytea', { select: false })
  keyHash!: Buffer;

  @Column('uuid', { nullable: true })
  createdByPrincipalId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
