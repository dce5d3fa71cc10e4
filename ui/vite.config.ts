import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built UI is loaded both by the Tauri shell (custom protocol) and by
// `boxoffice-site serve --ui ui/dist` at "/", so every asset URL is relative.
//
// `npm run dev` proxies /api to a running `boxoffice-site serve`; point it
// elsewhere with BOXOFFICE_SITE_URL (default http://127.0.0.1:8787).
const siteUrl = process.env.BOXOFFICE_SITE_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  base: './',
  plugins: [svelte()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': siteUrl },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
