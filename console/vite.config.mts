import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is a static bundle the api serves at / (src/console/serve-console.ts): no server of
 * its own. `npm run build:console` writes console/dist; the manifest lets the bundle-size check
 * (console/scripts/bundle-size.mjs) follow what the first page loads.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Vite 8 compiles JSX with Oxc from tsconfig's "jsx": "react-jsx"; @vitejs/plugin-react adds only
  // Fast Refresh for `vite dev`, and its optional Babel peers conflict with jest's Babel.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; a client bundle
      // has no use for the directive, and the warning for each of hundreds of files hides real ones.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run console:dev`: the api on :3000 answers /v1 and the session cookie stays same-origin.
    proxy: { '/v1': 'http://localhost:3000', '/health': 'http://localhost:3000' },
  },
});
