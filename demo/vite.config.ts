// Builds the demo site into demo/dist (served by `sluice start` at /) plus a
// stable, unhashed `embed/sluice-player.js` and `embed/sluice-uploader.js`
// that other pages can load with one <script> tag (docs/embedding.md).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const pkg = (path: string): string => fileURLToPath(new URL(`../packages/${path}`, import.meta.url));

// `pnpm --filter @sluice/demo dev`: the page talks to its own origin, so the
// dev server forwards the API and media to a running Sluice server.
const target = process.env.SLUICE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  server: { proxy: { '/api': target, '/media': target, '/healthz': target } },
  // Relative asset URLs: the site works from / and from any sub-path behind a proxy.
  base: './',
  resolve: {
    // The elements' TypeScript sources, compiled by Vite (esbuild reads each
    // package's tsconfig, including experimentalDecorators for Lit), so the
    // demo never depends on the packages having been built first.
    alias: [
      { find: /^@sluice\/player$/, replacement: pkg('player/src/index.ts') },
      { find: /^@sluice\/uploader$/, replacement: pkg('uploader/src/index.ts') },
      { find: /^@sluice\/protocol$/, replacement: pkg('protocol/src/index.ts') },
      // The uploader imports protocol modules by subpath (`@sluice/protocol/units`).
      { find: /^@sluice\/protocol\/([\w-]+)$/, replacement: pkg('protocol/src/$1.ts') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // hls.js (~600 kB) is its own lazy chunk, loaded only when a stream needs it.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        'sluice-player': fileURLToPath(new URL('src/embed/sluice-player.ts', import.meta.url)),
        'sluice-uploader': fileURLToPath(new URL('src/embed/sluice-uploader.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name.startsWith('sluice-') ? `embed/${chunk.name}.js` : 'assets/[name]-[hash].js'),
      },
    },
  },
});
