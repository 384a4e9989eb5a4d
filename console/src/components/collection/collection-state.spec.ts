import type { components } from '../../api/schema';
import { collectionState, payable } from './collection-state';

type Collection = components['schemas']['InvoiceCollectionResponse'];

const open: Collection = {
  invoiceId: '01a247be-0000-7000-8000-000000000001',
  licenseeId: '01a247be-0000-7000-8000-000000000002',
  kind: 'invoice',
  currency: 'EUR',
  amount: 120000,
  paid: 0,
  outstanding: 120000,
  status: 'open',
  stripeInvoiceId: 'in_1',
  number: 'RL-0001',
  hostedInvoiceUrl: 'https://invoice.stripe.com/i/1',
  invoicePdf: 'https://pay.stripe.com/invoice/1/pdf',
  dueOn: '2028-05-01',
  collectionMethod: 'send_invoice',
  attempts: 1,
  failure: null,
  issuedAt: '2028-04-01T00:00:00Z',
  credit: null,
};

describe('an invoice Stripe is collecting', () => {
  it('is in Stripe’s state, and payable on its hosted page while something is owed', () => {
    expect(collectionState(open)).toBe('open');
    expect(payable(open)).toBe(true);
    expect(payable({ ...open, status: 'paid', paid: 120000, outstanding: 0 })).toBe(false);
    expect(payable({ ...open, outstanding: 0 })).toBe(false);
    expect(payable({ ...open, hostedInvoiceUrl: null })).toBe(false);
  });
});

describe('an invoice Stripe refused to issue', () => {
  it('is refused (waiting for finance), not issuing', () => {
    const refused: Collection = {
      ...open,
      status: 'issuing',
      stripeInvoiceId: null,
      number: null,
      hostedInvoiceUrl: null,
      failure: 'Customer has no valid tax location',
    };
    expect(collectionState(refused)).toBe('refused');
    expect(collectionState({ ...refused, failure: null })).toBe('issuing');
    expect(payable(refused)).toBe(false);
  });
});
