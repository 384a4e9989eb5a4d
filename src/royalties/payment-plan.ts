import { Conflict } from '../common/errors/domain-error';
import { releaseOnPayment } from './allocate';

/** What an invoice's payments come to so far, and what they released to each payee. */
export interface InvoicePaymentState {
  invoiceId: string;
  /** The invoice's amount, minor units; negative for a credit note. */
  amount: bigint;
  paid: bigint;
  /** The most the payments ever came to (a refund lowers what is paid, not this). */
  mostEverPaid: bigint;
  payees: { payeeId: string; publisherId: string; earned: bigint; released: bigint }[];
}

/** A payment asked for: by finance's hand (refused when it does not fit) or collected. */
export interface PaymentAsked {
  /** Finance's own figure is refused when more than is owed; collected money is taken up to it. */
  manual: boolean;
  amount: bigint;
}

export interface PaymentPlan {
  /** What is recorded (0: nothing is). */
  amount: bigint;
  /** What was asked beyond what the invoice can take (collected money only). */
  excess: bigint;
  released: { payeeId: string; publisherId: string; amount: bigint }[];
}

const minimum = (a: bigint, b: bigint) => (a < b ? a : b);
const maximum = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * What a payment does to an invoice (pay when paid): how much of it is recorded, and the share
 * of each payee's earnings it releases from awaiting collection to payable. The share released
 * after each payment is payee_total × paid / amount (floored; all of it once fully paid), spread
 * over the payees by largest remainder of what each still awaits, so no payee is ever released
 * more than it earned and the last payment releases the rest exactly. Releases follow the most
 * ever paid, so money paid again after a refund releases nothing twice.
 *
 * Collected money (Stripe, the licensee's credit, a refund) is taken up to what fits — a payment
 * at most what is owed; on a credit note, what is given back at most what is still due to the
 * licensee; a refund at most what was paid — the rest returned as `excess`. Finance's own figure
 * that does not fit is refused.
 */
export function planPayment(
  state: InvoicePaymentState,
  asked: PaymentAsked,
  payableAtOnce: boolean,
): PaymentPlan {
  const { amount: invoiceAmount, paid } = state;
  const owed = invoiceAmount - paid;
  const amount = asked.manual
    ? asked.amount
    : asked.amount > 0n
      ? minimum(asked.amount, owed > 0n ? owed : 0n)
      : invoiceAmount < 0n
        ? maximum(asked.amount, owed < 0n ? owed : 0n)
        : maximum(asked.amount, -paid);
  const excess = asked.amount - amount;
  if (amount === 0n && !asked.manual) return { amount, excess, released: [] };
  if (invoiceAmount < 0n) {
    // A credit note is settled by giving the licensee its credit (a refund, or credit on its
    // balance): negative payments, down to the credit note's amount, never more.
    if (asked.manual || amount > 0n || paid + amount < invoiceAmount) {
      throw new Conflict(
        'invoice-is-credit-note',
        `Invoice ${state.invoiceId} is a credit note of ${-invoiceAmount}: the licensee owes nothing on it`,
        { amount: Number(invoiceAmount) },
      );
    }
    return { amount, excess, released: [] };
  }
  if (paid + amount > invoiceAmount) {
    throw new Conflict(
      'overpayment',
      `Invoice ${state.invoiceId} has ${owed} outstanding; ${amount} is more than that`,
      { outstanding: Number(owed) },
    );
  }
  const highWater = state.mostEverPaid;
  if (payableAtOnce || paid + amount <= highWater) return { amount, excess, released: [] };
  // Only positive earnings wait for the payment (a restatement's negative net on the invoice was
  // taken from the payee's payable when the run was posted).
  const waiting = state.payees.map((p) => (p.earned > 0n ? p.earned : 0n));
  const pieces = releaseOnPayment(
    invoiceAmount,
    waiting.reduce((sum, earned) => sum + earned, 0n),
    highWater,
    paid + amount,
    state.payees.map((p, i) => waiting[i] - p.released),
  );
  const released = state.payees
    .map((p, i) => ({ payeeId: p.payeeId, publisherId: p.publisherId, amount: pieces[i] }))
    .filter((release) => release.amount > 0n);
  return { amount, excess, released };
}

/** The invoice's state after a planned payment is recorded. */
export function afterPayment(state: InvoicePaymentState, plan: PaymentPlan): InvoicePaymentState {
  const paid = state.paid + plan.amount;
  const released = new Map(plan.released.map((r) => [r.payeeId, r.amount]));
  return {
    ...state,
    paid,
    mostEverPaid: maximum(state.mostEverPaid, paid),
    payees: state.payees.map((p) => ({
      ...p,
      released: p.released + (released.get(p.payeeId) ?? 0n),
    })),
  };
}
