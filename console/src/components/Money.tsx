import { Text, type TextProps } from '@mantine/core';
import { formatMoney, toBigInt, type MinorUnits } from '../format/money';

interface MoneyProps extends TextProps {
  minor: MinorUnits | null | undefined;
  currency: string;
  /** Colour negative amounts red (credits, refunds). */
  signed?: boolean;
}

/** An amount from integer minor units, in the currency's format, with tabular numerals. */
export function Money({ minor, currency, signed, ...text }: MoneyProps) {
  if (minor === null || minor === undefined) {
    return (
      <Text span c="dimmed" {...text}>
        —
      </Text>
    );
  }
  const negative = signed && toBigInt(minor) < 0n;
  return (
    <Text span className="figure" c={negative ? 'red.8' : undefined} {...text}>
      {formatMoney(minor, currency)}
    </Text>
  );
}
