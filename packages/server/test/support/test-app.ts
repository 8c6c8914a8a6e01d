/**
 * A real Sluice app listening on 127.0.0.1:0 with a fresh data dir, for
 * server tests. `restart()` closes it and starts a new one on the same dir.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, resolveSecret, type SluiceConfig } from '../../src/config.js';
import { mintToken, type SluiceClaims } from '../../src/auth/tokens.js';

export interface TestApp {
  app: FastifyInstance;
  url: string;
  config: SluiceConfig;
  token(claims: Omit<SluiceClaims, 'exp' | 'iat'>, ttlSeconds?: number): string;
  close(): Promise<void>;
  restart(): Promise<TestApp>;
}

export const FIXTURES = process.env.SLUICE_TEST_FIXTURES ?? join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', '.cache');

export async function startTestApp(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'sluice-srv-'))): Promise<TestApp> {
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: dataDir, SLUICE_SEGMENT_SECONDS: '2', ...env }));
  const app = await buildApp({ config, logger: false, checkResponses: true });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const t: TestApp = {
    app, url: address, config,
    token: (claims, ttl = 3600) => mintToken(app, claims, ttl).token,
    close: () => app.close(),
    restart: async () => { await app.close(); return startTestApp(env, dataDir); },
  };
  return t;
}

/** Waits until `predicate` returns a value, polling; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, predicate: () => T | undefined | Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await predicate();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
