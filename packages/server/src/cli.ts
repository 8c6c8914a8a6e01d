#!/usr/bin/env node
/**
 * `sluice` — start the server, mint a token, import videos, print an nginx config.
 */
import { buildApp } from './app.js';
import { loadConfig, resolveSecret } from './config.js';
import { isSluiceError } from './errors.js';

const USAGE = `Usage:
  sluice start                                     run the server (configured by environment, see docs/configuration.md)
  sluice token --aud <upload|playback|admin> [--sub <id>] [--ttl 1h]
  sluice import <file…>                            ingest existing video files; prints their ids
  sluice nginx-config [--listen 127.0.0.1:8080] [--upstream 127.0.0.1:3000]`;

async function start(): Promise<void> {
  const config = resolveSecret(loadConfig());
  const app = await buildApp({ config });
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`Sluice listening on ${address.replace('[::1]', 'localhost')}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { void app.close().then(() => process.exit(0)); });
  }
}

async function main(argv: string[]): Promise<void> {
  const [command] = argv;
  switch (command) {
    case 'start': return start();
    case undefined: case '-h': case '--help': process.stdout.write(`${USAGE}\n`); return;
    default: throw new Error(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`sluice: ${isSluiceError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
