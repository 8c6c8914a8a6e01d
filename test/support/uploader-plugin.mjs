// @web/test-runner plugin for @sluice/uploader's browser tests.
// - tus-js-client imports `url-parse`, a CommonJS package the dev server
//   cannot serve as a module: it is bundled to ESM once with esbuild and
//   served at /__uploader/url-parse.js (what any bundler does for users).
// - /__uploader/fixtures/<name> serves a generated clip (the fixtures cache
//   is a dot folder, which the dev server does not serve).
// Commands:
//   uploader-network { pattern, offline?, uploadBps? } → true   Chrome DevTools network emulation
//       for requests matching `pattern` (URLPattern, e.g. the Sluice server's `<url>/*`): offline
//       (requests fail; navigator.onLine and online/offline events follow) and an upload speed cap
//       (0 = none). Every call sets the whole state.
//   uploader-ssr-import           → { ok, error? }  imports @sluice/uploader's source in plain Node
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = process.env.SLUICE_TEST_FIXTURES ?? join(root, 'test', 'fixtures', '.cache');
const CJS_URL = '/__uploader/url-parse.js';

async function bundleUrlParse() {
  const fromUploader = createRequire(join(root, 'packages', 'uploader', 'package.json'));
  const fromTus = createRequire(fromUploader.resolve('tus-js-client/package.json'));
  const result = await build({ entryPoints: [fromTus.resolve('url-parse')], bundle: true, format: 'esm', write: false, platform: 'browser', logLevel: 'silent' });
  return result.outputFiles[0].text;
}

export function uploaderPlugin() {
  let cjs;
  const cdpSessions = new WeakMap();
  const commands = {
    async 'uploader-network'({ offline = false, uploadBps = 0, pattern }, session) {
      // Per URL pattern (the Sluice server only), so the runner's own socket to the page stays up.
      const page = session.browser.getPage(session.id);
      let cdp = cdpSessions.get(page);
      if (!cdp) {
        cdp = await page.createCDPSession();
        await cdp.send('Network.enable');
        cdpSessions.set(page, cdp);
      }
      const free = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
      await cdp.send('Network.emulateNetworkConditionsByRule', {
        offline, matchedNetworkConditions: [{ ...free, urlPattern: pattern, uploadThroughput: uploadBps > 0 ? uploadBps : -1 }],
      });
      await cdp.send('Network.overrideNetworkState', { offline, ...free });
      return true;
    },
    async 'uploader-ssr-import'() {
      const code = `const m = await import(${JSON.stringify(join(root, 'packages/uploader/src/index.ts'))}); console.log(typeof m.ChunkedUploader === 'function' ? 'ok' : 'no export');`;
      try {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, timeout: 15_000, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'packages/uploader/tsconfig.json') } });
        return { ok: stdout.trim() === 'ok', error: stdout.trim() };
      } catch (e) {
        return { ok: false, error: String(e.stderr || e.message).slice(0, 2000) };
      }
    },
  };
  return {
    name: 'sluice-uploader',
    resolveImport({ source, context }) {
      if (source === 'url-parse' && context.path.includes('tus-js-client')) return CJS_URL;
    },
    async serve(context) {
      if (context.path === CJS_URL) {
        cjs ??= bundleUrlParse();
        return { body: await cjs, type: 'js' };
      }
      if (context.path.startsWith('/__uploader/fixtures/')) {
        const file = join(fixtures, basename(context.path));
        if (existsSync(file)) return { body: readFileSync(file), type: 'video/mp4' };
      }
    },
    async executeCommand({ command, payload, session }) {
      const fn = commands[command];
      return fn ? await fn(payload ?? {}, session) : undefined;
    },
  };
}
