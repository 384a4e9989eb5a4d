import { amountForApi } from './amount-input';

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
