import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict, DomainError, ResourceNotFound } from '../common/errors/domain-error';
import { isUuid } from '../common/ids';
import { AuditService } from '../organizations/audit.service';
import { StripeClient } from '../stripe/stripe-client';
import { stripeProblem } from '../stripe/stripe-outcome';
import {
  LicenseeCustomerRow,
  lockProfile,
  profileOf,
  setPaymentMethod,
  writeProfile,
} from './billing-profile.queries';
import { CollectionGate } from './collection-gate';
import {
  AttachPaymentMethodDto,
  BillingProfileResponse,
  PaymentMethodSummary,
  PutBillingProfileDto,
} from './dto/billing-profile.dto';
import { StripeCustomers } from './stripe-customers';

export function toBillingProfile(row: LicenseeCustomerRow): BillingProfileResponse {
  return {
    licenseeId: row.licensee_id,
    name: row.name,
    email: row.email,
    address: row.address,
    taxIds: row.tax_ids,
    collectionMethod: row.collection_method,
    paymentMethod: row.payment_method,
    creditPreference: row.credit_preference,
    stripeCustomerId: row.stripe_customer_id,
    syncedWithStripe: row.stripe_customer_id !== null && row.stripe_version === row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * A licensee's billing profile: who its invoices are addressed to, how it pays, what its credit
 * notes do. The licensee edits its own; finance reads any and may edit one on a licensee's
 * behalf. Saved first, then sent to Stripe: when Stripe cannot be reached the edit stands and
 * Stripe is told with the next invoice (syncedWithStripe false until then).
 */
@Injectable()
export class BillingProfileService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: StripeCustomers,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Principal, licenseeId: string): Promise<BillingProfileResponse> {
    const id = this.licenseeOf(actor, licenseeId);
    const row = await profileOf(this.dataSource, id);
    if (!row) throw new ResourceNotFound('licensee', licenseeId);
    return toBillingProfile(row);
  }

  async put(
    actor: Principal,
    licenseeId: string,
    dto: PutBillingProfileDto,
  ): Promise<BillingProfileResponse> {
    const id = this.licenseeOf(actor, licenseeId);
    const saved = await this.dataSource.transaction(async (manager) => {
      const current = await lockProfile(manager, id);
      if (!current) throw new ResourceNotFound('licensee', licenseeId);
      const collectionMethod = dto.collectionMethod ?? current.collection_method;
      if (collectionMethod === 'automatic' && !current.payment_method) {
        throw new Conflict(
          'payment-method-missing',
          'Automatic collection charges the payment method on file; attach one first (POST /v1/billing-profile/payment-method)',
        );
      }
      const row = await writeProfile(manager, id, {
        name: dto.name.trim(),
        email: dto.email ?? null,
        address: dto.address ?? null,
        taxIds: dto.taxIds ?? [],
        collectionMethod,
        creditPreference: dto.creditPreference ?? current.credit_preference,
      });
      await this.audit.record(manager, actor, {
        action: 'billing-profile.update',
        resourceId: id,
        resourceOrganizationId: id,
        details: {
          version: row.version,
          collectionMethod,
          creditPreference: row.credit_preference,
        },
      });
      return row;
    });
    return toBillingProfile(await this.pushed(saved));
  }

  async attachPaymentMethod(
    actor: Principal,
    dto: AttachPaymentMethodDto,
  ): Promise<BillingProfileResponse> {
    const id = actor.organizationId;
    // Made first if need be, the method attached, made the default: up to three calls.
    await this.withinBudget(id, 3);
    let customer: LicenseeCustomerRow & { stripe_customer_id: string };
    let method: PaymentMethodSummary;
    try {
      customer = await this.customers.ensure(id);
      const attached = await this.gate.call(() =>
        this.stripe.sdk.paymentMethods.attach(dto.paymentMethodId, {
          customer: customer.stripe_customer_id,
        }),
      );
      await this.gate.call(() =>
        this.stripe.sdk.customers.update(customer.stripe_customer_id, {
          invoice_settings: { default_payment_method: attached.id },
        }),
      );
      const details = attached.card ?? attached.sepa_debit ?? attached.us_bank_account;
      method = {
        id: attached.id,
        type: attached.type,
        brand: attached.card?.brand ?? null,
        last4: details?.last4 ?? null,
      };
    } catch (error) {
      throw stripeProblem(error, 'attach the payment method');
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const updated = await setPaymentMethod(manager, id, method);
      await this.audit.record(manager, actor, {
        action: 'billing-profile.payment-method',
        resourceId: id,
        resourceOrganizationId: id,
        details: { paymentMethodId: method.id, type: method.type, last4: method.last4 },
      });
      return updated;
    });
    return toBillingProfile(row);
  }

  async detachPaymentMethod(actor: Principal): Promise<BillingProfileResponse> {
    const id = actor.organizationId;
    await this.withinBudget(id, 1);
    const current = await profileOf(this.dataSource, id);
    if (!current) throw new ResourceNotFound('licensee', id);
    if (current.payment_method) {
      const methodId = current.payment_method.id;
      try {
        await this.gate.call(() => this.stripe.sdk.paymentMethods.detach(methodId));
      } catch (error) {
        throw stripeProblem(error, 'detach the payment method');
      }
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const updated = await setPaymentMethod(manager, id, null);
      await this.audit.record(manager, actor, {
        action: 'billing-profile.payment-method',
        resourceId: id,
        resourceOrganizationId: id,
        details: { paymentMethodId: null },
      });
      return updated;
    });
    return toBillingProfile(row);
  }

  /** 429 when the licensee has spent its own budget of Stripe calls (CollectionGate). */
  private async withinBudget(licenseeId: string, calls: number): Promise<void> {
    const waitMs = await this.gate.licenseeBudget(licenseeId, calls);
    if (waitMs <= 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    throw new DomainError(
      'rate-limited',
      429,
      `This licensee's requests to Stripe are over their budget; retry in ${seconds} s`,
      {},
      { 'Retry-After': String(seconds) },
    );
  }

  /**
   * Stripe told of the saved profile, if it can be now (and the licensee's own budget of Stripe
   * calls allows: else the next invoice tells it); the profile as it then stands.
   */
  private async pushed(row: LicenseeCustomerRow): Promise<LicenseeCustomerRow> {
    if (!this.stripe.configured) return row;
    // The update, and each tax id Stripe lacks (listed once).
    const calls = 1 + (row.tax_ids.length ? 1 + row.tax_ids.length : 0);
    if ((await this.gate.licenseeBudget(row.licensee_id, calls)) > 0) return row;
    try {
      return await this.customers.ensure(row.licensee_id);
    } catch {
      return row;
    }
  }

  /** A licensee acts on its own profile only; finance on any licensee's. */
  private licenseeOf(actor: Principal, licenseeId: string): string {
    if (actor.role === 'licensee') return actor.organizationId;
    if (!isUuid(licenseeId)) throw new ResourceNotFound('licensee', licenseeId);
    return licenseeId;
  }
}
