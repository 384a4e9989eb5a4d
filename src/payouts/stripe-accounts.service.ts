import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { PayeeService } from '../catalogue/payee.service';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { AuditService } from '../organizations/audit.service';
import {
  CreateStripeAccountLinkDto,
  StripeAccountResponse,
  StripeAccountRow,
  toStripeAccountResponse,
} from './dto/stripe-account.dto';
import {
  INSERT_STRIPE_ACCOUNT,
  STRIPE_ACCOUNT_OF,
  SYNC_STRIPE_ACCOUNT,
} from './stripe-accounts.queries';
import { StripeClient } from '../stripe/stripe-client';

/**
 * Payees' Stripe Express accounts: created once per payee (the same idempotency key for every
 * attempt, so two concurrent first calls still make one account), a fresh onboarding link on
 * every call, and the account's state kept current from Stripe (account.updated).
 */
@Injectable()
export class StripeAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payees: PayeeService,
    private readonly stripe: StripeClient,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async onboard(
    actor: Principal,
    payeeId: string,
    dto: CreateStripeAccountLinkDto,
  ): Promise<StripeAccountResponse> {
    const payee = await this.payees.reference(actor, payeeId);
    let row = await this.find(payee.id);
    if (!row) {
      const account = await this.stripe.sdk.accounts.create(
        {
          type: 'express',
          ...(payee.country ? { country: payee.country } : {}),
          ...(payee.email ? { email: payee.email } : {}),
          capabilities: { transfers: { requested: true } },
          metadata: { payeeId: payee.id, organizationId: payee.organizationId },
        },
        { idempotencyKey: `payee-stripe-account-${payee.id}` },
      );
      await this.dataSource.transaction(async (manager) => {
        await manager.query(INSERT_STRIPE_ACCOUNT, [
          payee.id,
          payee.organizationId,
          ...accountState(account),
        ]);
        await this.audit.record(manager, actor, {
          action: 'payee.stripe-account.create',
          resourceId: payee.id,
          resourceOrganizationId: payee.organizationId,
          details: { stripeAccountId: account.id },
        });
      });
      row = (await this.find(payee.id))!;
    }
    const link = await this.stripe.sdk.accountLinks.create({
      account: row.stripe_account_id,
      type: 'account_onboarding',
      return_url: dto.returnUrl ?? this.config.get('STRIPE_CONNECT_RETURN_URL'),
      refresh_url: dto.refreshUrl ?? this.config.get('STRIPE_CONNECT_REFRESH_URL'),
    });
    return toStripeAccountResponse(row, link);
  }

  async get(actor: Principal, payeeId: string): Promise<StripeAccountResponse> {
    const payee = await this.payees.reference(actor, payeeId);
    const row = await this.find(payee.id);
    if (!row) throw new ResourceNotFound('stripe-account of payee', payeeId);
    return toStripeAccountResponse(row);
  }

  /** Reads the account from Stripe (never from an event's copy) and stores its state. */
  async sync(stripeAccountId: string): Promise<void> {
    const account = await this.stripe.sdk.accounts.retrieve(stripeAccountId);
    const [, payouts, transfers, details] = accountState(account);
    await this.dataSource.query(SYNC_STRIPE_ACCOUNT, [account.id, payouts, transfers, details]);
  }

  private async find(payeeId: string): Promise<StripeAccountRow | undefined> {
    const [row] = await this.dataSource.query<StripeAccountRow[]>(STRIPE_ACCOUNT_OF, [payeeId]);
    return row;
  }
}

function accountState(account: Stripe.Account): [string, boolean, string, boolean] {
  return [
    account.id,
    account.payouts_enabled ?? false,
    account.capabilities?.transfers ?? 'inactive',
    account.details_submitted ?? false,
  ];
}
