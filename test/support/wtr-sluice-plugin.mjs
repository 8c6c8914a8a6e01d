// @web/test-runner plugin: starts one real Sluice server for the run and
// serves its URL to test pages at /__sluice.json (CORS allowed for the runner's origin).
import { startSluice } from './sluice-server.mjs';

export function sluiceServerPlugin() {
  let server;
  return {
    name: 'sluice-server',
    async serverStart({ config }) {
      const origin = `http://${config.hostname ?? 'localhost'}:${config.port}`;
      server = await startSluice({ env: { SLUICE_CORS_ORIGINS: `${origin},http://127.0.0.1:${config.port}` } });
    },
    async serverStop() { await server?.stop(); },
    serve(context) {
      if (context.path === '/__sluice.json') return { body: JSON.stringify({ url: server.url, dataDir: server.dataDir }), type: 'json' };
    },
  };
}
