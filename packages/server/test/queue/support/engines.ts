/**
 * TEMPORARY bridge until test/support/postgres.ts and redis.ts (h-db) are
 * cherry-picked: connection URLs of already-running private instances.
 */
export interface Engine { url: string; stop(): Promise<void> }

function fromEnv(name: string): Engine {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set`);
  return { url, stop: () => Promise.resolve() };
}
export const startPostgres = (): Promise<Engine> => Promise.resolve(fromEnv('SLUICE_TEST_PG_URL'));
export const startRedis = (): Promise<Engine> => Promise.resolve(fromEnv('SLUICE_TEST_REDIS_URL'));
