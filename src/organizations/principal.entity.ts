import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrganizationKind, Role } from '../common/auth/principal';

/** A named actor of one organization (a person or a system) that holds API keys of one role. */
@Entity('principals')
export class PrincipalRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  /** Copied from the organization so the database can check role against kind. */
  @Column('text')
  organizationKind!: OrganizationKind;

  @Column('text')
  name!: string;

  @Column('text')
  role!: Role;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
