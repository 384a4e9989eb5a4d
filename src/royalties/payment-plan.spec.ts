import fc from 'fast-check';
import { Conflict } from '../common/errors/domain-error';
import { afterPayment, InvoicePaymentState, planPayment } from './payment-plan';

const invoice = (amount: bigint, earned: bigint[]): InvoicePaymentState => ({
  invoiceId: 'inv',
  amount,
  paid: 0n,
  mostEverPaid: 0n,
  payees: earned.map((e, i) => ({ payeeId: `p${i}`, publisherId: 'pub', earned: e, released: 0n })),
});

const collected = (amount: bigint) => ({ manual: false, amount });
const manual = (amount: bigint) => ({ manual: true, amount });

/** The conflict `plan` throws, as the API would show it. */
function conflictOf(plan: () => unknown) {
  try {
    plan();
  } catch (error) {
    expect(error).toBeInstanceOf(Conflict);
    const { code, detail, extensions } = error as Conflict;
    return { code, detail, extensions };
  }
  throw new Error('no conflict');
}

describe('planPayment', () => {
  it('releases the paid share of each payee, the last payment the rest exactly', () => {
    // 3,000 invoiced, payees earned 1,800 and 900: a third paid releases a third of 2,700.
    const state = invoice(3000n, [1800n, 900n]);
    const first = planPayment(state, collected(1000n), false);
    expect(first).toEqual({
      amount: 1000n,
      excess: 0n,
      released: [
        { payeeId: 'p0', publisherId: 'pub', amount: 600n },
        { payeeId: 'p1', publisherId: 'pub', amount: 300n },
      ],
    });
    const second = planPayment(afterPayment(state, first), collected(2000n), false);
    expect(second.released.map((r) => r.amount)).toEqual([1200n, 600n]);
  });

  it('takes collected money up to what is owed and returns the rest; refuses finance over it', () => {
    const state = afterPayment(invoice(3000n, [2700n]), {
      amount: 2500n,
      excess: 0n,
      released: [],
    });
    expect(planPayment(state, collected(800n), true)).toEqual({
      amount: 500n,
      excess: 300n,
      released: [],
    });
    expect(() => planPayment(state, manual(501n), true)).toThrow(Conflict);
    expect(planPayment(state, manual(500n), true).amount).toBe(500n);
  });

  it('settles a credit note only by giving back, never beyond it', () => {
    const note = invoice(-300n, [-270n]);
    expect(planPayment(note, collected(-500n), false)).toEqual({
      amount: -300n,
      excess: -200n,
      released: [],
    });
    expect(() => planPayment(note, manual(-100n), false)).toThrow(Conflict);
    expect(planPayment(note, collected(100n), false)).toEqual({
      amount: 0n,
      excess: 100n,
      released: [],
    });
  });

  it('releases nothing twice when money refunded is paid again', () => {
    let state = invoice(1000n, [900n]);
    for (const amount of [1000n, -400n]) {
      state = afterPayment(state, planPayment(state, collected(amount), false));
    }
    expect(state.payees[0].released).toBe(900n);
    const again = planPayment(state, collected(400n), false);
    expect(again).toEqual({ amount: 400n, excess: 0n, released: [] });
    // A refund gives back at most what was paid.
    expect(planPayment(state, collected(-700n), false).amount).toBe(-600n);
  });

  it('for any payments and refunds: paid stays within the invoice, no payee is released more than it earned, paid in full releases all', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.array(fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.bigInt({ min: -(10n ** 8n), max: 10n ** 9n }), { maxLength: 12 }),
        (amount, earnedRaw, asked) => {
          const earned = earnedRaw.map((e) => (e * amount) / 10n ** 7n);
          let state = invoice(amount, earned);
          let paid = 0n;
          for (const a of [...asked, amount]) {
            const plan = planPayment(state, collected(a), false);
            expect(plan.amount + plan.excess).toBe(a);
            state = afterPayment(state, plan);
            paid += plan.amount;
            expect(paid >= 0n && paid <= amount).toBe(true);
            state.payees.forEach((payee, i) => {
              const positive = earned[i] > 0n ? earned[i] : 0n;
              expect(payee.released >= 0n && payee.released <= positive).toBe(true);
            });
          }
          // The last ask was the whole invoice: it is paid in full, every positive earning released.
          expect(paid).toBe(amount);
          state.payees.forEach((payee, i) =>
            expect(payee.released).toBe(earned[i] > 0n ? earned[i] : 0n),
          );
        },
      ),
    );
  });

  it('says why finance’s figure is refused: more than is outstanding, or a credit note', () => {
    const state = afterPayment(invoice(3000n, [2700n]), {
      amount: 2500n,
      excess: 0n,
      released: [],
    });
    expect(conflictOf(() => planPayment(state, manual(501n), false))).toEqual({
      code: 'overpayment',
      detail: 'Invoice inv has 500 outstanding; 501 is more than that',
      extensions: { outstanding: 500 },
    });
    const note = invoice(-300n, [-270n]);
    for (const amount of [-100n, 0n, 100n]) {
      expect(conflictOf(() => planPayment(note, manual(amount), false))).toEqual({
        code: 'invoice-is-credit-note',
        detail: 'Invoice inv is a credit note of 300: the licensee owes nothing on it',
        extensions: { amount: -300 },
      });
    }
  });

  it('treats an invoice of 0 as an invoice, not a credit note', () => {
    expect(planPayment(invoice(0n, []), manual(0n), false)).toEqual({
      amount: 0n,
      excess: 0n,
      released: [],
    });
  });

  it('lists only the payees a payment releases something to', () => {
    // 1,000 invoiced; payees earned 0, 900 and −50 (a restatement): half paid releases 450 of
    // the 900 waiting, all to the second.
    expect(planPayment(invoice(1000n, [0n, 900n, -50n]), collected(500n), false)).toEqual({
      amount: 500n,
      excess: 0n,
      released: [{ payeeId: 'p1', publisherId: 'pub', amount: 450n }],
    });
  });
});
