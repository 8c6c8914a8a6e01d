// Browser tests for @sluice/player and @sluice/uploader: Debian Chromium via
// @web/test-runner-chrome, TypeScript via esbuild, and a real Sluice server
// (fresh data dir, port 0) started for the run — see test/support/.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { sluiceServerPlugin } from './test/support/wtr-sluice-plugin.mjs';
import { countReporter } from './test/support/wtr-count-reporter.mjs';
import { playerPlugin } from './test/support/player-plugin.mjs';
import { uploaderPlugin } from './test/support/uploader-plugin.mjs';
import { CHROMIUM_FLAGS, chromiumPath } from './test/support/chromium.mjs';

export default {
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 120_000 } },
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS } })],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/player/tsconfig.json' }), sluiceServerPlugin(), playerPlugin(), uploaderPlugin()],
  reporters: [defaultReporter(), countReporter(process.env.SLUICE_WTR_REPORT)],
};
