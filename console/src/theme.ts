import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/** Calm and dense, like the finance tools its users know; contrast at least WCAG AA. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  components: {
    Table: {
      defaultProps: { striped: false, highlightOnHover: true, verticalSpacing: 6, fz: 'sm' },
    },
  },
});

/** Mantine's dimmed grey (gray.6 on white, 3.3:1) falls short of WCAG AA for small text: gray.7. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
