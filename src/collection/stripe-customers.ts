import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { StripeClient } from '../stripe/stripe-client';
import { LicenseeCustomerRow, markCustomer, profileOf } from './billing-profile.queries';
import { CollectionGate } from './collection-gate';

type CustomerRow = LicenseeCustomerRow & { stripe_customer_id: string };

/**
 * Each licensee's one Stripe customer: made the first time it is needed (the idempotency key is
 * the licensee's, so a retry after a lost answer returns the same customer), then told of each
 * new version of the profile. No database transaction is open during a Stripe call: the
 * profile is read, Stripe is called, and what Stripe answered is recorded.
 */
@Injectable()
export class StripeCustomers {
  /** One ensure per licensee at a time in this process: a run's many invoices of one licensee
   * wait for the first to make the customer rather than each replaying its creation. */
  private readonly inFlight = new Map<string, Promise<CustomerRow>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
  ) {}

  /** The licensee's Stripe customer id, with Stripe up to date with its profile. */
  ensure(licenseeId: string): Promise<CustomerRow> {
    const running = this.inFlight.get(licenseeId);
    if (running) return running;
    const made = this.made(licenseeId).finally(() => this.inFlight.delete(licenseeId));
    this.inFlight.set(licenseeId, made);
    return made;
  }

  private async made(licenseeId: string): Promise<CustomerRow> {
    let profile = await profileOf(this.dataSource, licenseeId);
    if (!profile) throw new Error(`licensee ${licenseeId} has no organization`);
    if (!profile.stripe_customer_id) {
      const customer = await this.gate.call(() =>
        this.stripe.sdk.customers.create(
          {
            ...customerFields(profile!),
            email: profile!.email ?? undefined,
            tax_id_data: profile!.tax_ids.map((t) => ({ type: t.type, value: t.value })),
            metadata: { licenseeId },
          },
          { idempotencyKey: `rl-customer-${licenseeId}` },
        ),
      );
      await markCustomer(this.dataSource, licenseeId, customer.id, profile.version);
      profile = { ...profile, stripe_customer_id: customer.id, stripe_version: profile.version };
    }
    if (profile.stripe_version < profile.version) {
      await this.gate.call(() =>
        this.stripe.sdk.customers.update(profile!.stripe_customer_id!, customerFields(profile!), {
          idempotencyKey: `rl-customer-${licenseeId}-v${profile!.version}`,
        }),
      );
      await this.addTaxIds(profile);
      await markCustomer(this.dataSource, licenseeId, profile.stripe_customer_id!, profile.version);
      profile = { ...profile, stripe_version: profile.version };
    }
    return profile as CustomerRow;
  }

  /** Tax ids the profile has and Stripe's customer does not yet (Stripe keeps them on their own route). */
  private async addTaxIds(profile: LicenseeCustomerRow): Promise<void> {
    if (!profile.tax_ids.length) return;
    const customerId = profile.stripe_customer_id!;
    const known = await this.gate.call(() =>
      this.stripe.sdk.customers.listTaxIds(customerId, { limit: 100 }),
    );
    for (const taxId of profile.tax_ids) {
      if (known.data.some((k) => k.type === taxId.type && k.value === taxId.value)) continue;
      await this.gate.call(() =>
        this.stripe.sdk.customers.createTaxId(
          customerId,
          { type: taxId.type, value: taxId.value },
          { idempotencyKey: `rl-tax-id-${profile.licensee_id}-${taxId.type}-${taxId.value}` },
        ),
      );
    }
  }
}

/** The profile as Stripe's customer fields (tax ids are added on their own route). */
function customerFields(p: LicenseeCustomerRow): Stripe.CustomerCreateParams {
  return {
    name: p.name,
    email: p.email ?? '',
    address: p.address
      ? {
          line1: p.address.line1,
          line2: p.address.line2 ?? '',
          city: p.address.city,
          postal_code: p.address.postalCode ?? '',
          state: p.address.state ?? '',
          country: p.address.country,
        }
      : undefined,
    invoice_settings: { default_payment_method: p.payment_method?.id },
    preferred_locales: ['en'],
  };
}
