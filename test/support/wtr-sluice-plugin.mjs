// @web/test-runner plugin: starts one real Sluice server for the run and
// serves its URL to test pages at /__sluice.json (CORS allowed for the runner's origin).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSluice } from './sluice-server.mjs';

// Server commands for tests that need the server itself to misbehave:
//   sluice-stop / sluice-kill   → true   graceful stop (SIGTERM) / crash (SIGKILL)
//   sluice-start                → { url } start again on the same port and data dir
//   sluice-upload-file { videoId } → { size, sha256 } of <dataDir>/uploads/<videoId>, or null
function sha256(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (c) => hash.update(c)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

export function sluiceServerPlugin() {
  let server;
  let env;
  return {
    name: 'sluice-server',
    async serverStart({ config }) {
      const origin = `http://${config.hostname ?? 'localhost'}:${config.port}`;
      // 2 s segments: playable sooner, shorter browser tests (DESIGN.md allows 2 or 4).
      env = { SLUICE_CORS_ORIGINS: `${origin},http://127.0.0.1:${config.port}`, SLUICE_SEGMENT_SECONDS: '2' };
      server = await startSluice({ env });
    },
    async executeCommand({ command, payload }) {
      if (command === 'sluice-stop') { await server.stop(); return true; }
      if (command === 'sluice-kill') { await server.kill(); return true; }
      if (command === 'sluice-start') {
        if (server.child.exitCode === null && server.child.signalCode === null) return { url: server.url };
        server = await startSluice({ env, dataDir: server.dataDir, port: Number(new URL(server.url).port) });
        return { url: server.url };
      }
      if (command === 'sluice-upload-file') {
        const path = join(server.dataDir, 'uploads', String(payload?.videoId ?? '').replace(/[^\w-]/g, ''));
        return existsSync(path) ? { size: statSync(path).size, sha256: await sha256(path) } : null;
      }
      return undefined;
    },
    async serverStop() { await server?.stop(); },
    serve(context) {
      if (context.path === '/__sluice.json') return { body: JSON.stringify({ url: server.url, dataDir: server.dataDir }), type: 'json' };
    },
  };
}
