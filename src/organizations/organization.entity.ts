import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrganizationKind } from '../common/auth/principal';

@Entity('organizations')
export class Organization {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  kind!: OrganizationKind;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
