import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/** Calm and dense, like the finance tools its users know; contrast at least WCAG AA. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  components: {
    // A modal's close button is an icon: it needs a name (axe: button-name).
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    // So are inputs' clear buttons.
    Select: { defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } },
    DateInput: { defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } },
    DatePickerInput: { defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } },
    MonthPickerInput: { defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } },
    Table: {
      defaultProps: { striped: false, highlightOnHover: true, verticalSpacing: 6, fz: 'sm' },
    },
  },
});

/**
 * Mantine's dimmed grey (gray.6 on white, 3.3:1) and error red (red.6, 3.6:1) fall short of WCAG
 * AA for small text: gray.7 and red.8.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    // Placeholders (gray.5, 2.1:1) too: a grey of 4.7:1, still lighter than typed text.
    '--mantine-color-placeholder': '#6c757d',
    // Light variants (alerts, badges, active controls) draw their text in the colour's own shade
    // on a tint of it; these darker texts keep 4.5:1 on every tint.
    '--mantine-color-red-light-color': '#a51d1d',
    '--mantine-color-orange-light-color': '#8a3500',
    '--mantine-color-yellow-light-color': '#6b4700',
    '--mantine-color-green-light-color': '#1d6b2e',
    '--mantine-color-teal-light-color': '#0b6b5e',
    '--mantine-color-blue-light-color': '#1558a8',
    '--mantine-color-indigo-light-color': '#2f3f9e',
    '--mantine-color-gray-light-color': '#495057',
  },
  dark: {},
});
