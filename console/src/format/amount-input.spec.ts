import { amountForApi, typedAmountError } from './amount-input';

describe('a typed minimum amount', () => {
  it('becomes exact minor units of its currency', () => {
    expect(amountForApi('50', 'EUR')).toEqual({ minor: 5000 });
    expect(amountForApi('1,250.05', 'EUR')).toEqual({ minor: 125005 });
    expect(amountForApi('0.01', 'EUR')).toEqual({ minor: 1 });
    expect(amountForApi('500', 'JPY')).toEqual({ minor: 500 });
    expect(amountForApi('1.234', 'KWD')).toEqual({ minor: 1234 });
  });

  it('says why it is not one', () => {
    expect(amountForApi('0.001', 'EUR')).toEqual({ error: 'Not an amount of EUR' });
    expect(amountForApi('1.5', 'JPY')).toEqual({ error: 'Not an amount of JPY' });
    expect(amountForApi('abc', 'EUR')).toEqual({ error: 'Not an amount of EUR' });
    expect(amountForApi('0', 'EUR')).toEqual({
      error: 'At least the smallest unit of the currency',
    });
    expect(amountForApi('99999999999999999', 'EUR')).toEqual({ error: 'Too large an amount' });
    expect(amountForApi('5', 'eu')).toEqual({ error: 'Choose the currency first' });
  });
});

describe('a typed amount beside its field', () => {
  it('says why it cannot be sent, in the currency’s terms', () => {
    expect(typedAmountError('', 'EUR', true)).toBeUndefined();
    expect(typedAmountError('1,234.56', 'EUR', true)).toBeUndefined();
    expect(typedAmountError('1,234.567', 'EUR', false)).toBe(
      'Enter an amount of EUR with at most 2 decimals, e.g. 1,234.50',
    );
    expect(typedAmountError('1.5', 'JPY', false)).toBe(
      'Enter a whole amount of JPY, without decimals',
    );
    expect(typedAmountError('1.2345', 'KWD', false)).toBe(
      'Enter an amount of KWD with at most 3 decimals, e.g. 1,234.500',
    );
    expect(typedAmountError('99999999999999999', 'EUR', false)).toBe('This amount is too large');
    expect(typedAmountError('0', 'EUR', false)).toBeUndefined();
    expect(typedAmountError('0.00', 'EUR', true)).toBe('Enter an amount above zero');
  });
});
