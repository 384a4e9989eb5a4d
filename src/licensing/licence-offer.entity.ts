import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OfferTerms } from './offer-terms';

@Entity('licence_offers')
export class LicenceOffer {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('text')
  status!: 'active' | 'retired';

  @Column('int')
  version!: number;

  @Column('jsonb')
  terms!: OfferTerms;

  @Column('bytea')
  termsHash!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  retiredAt!: Date | null;
}
