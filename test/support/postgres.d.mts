export interface RunningPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth, no password). */
  url: string;
  port: number;
  /** Temp dir holding the cluster and the unix socket; removed by stop(). */
  dir: string;
  /** The postmaster's pid (leader of its own process group). */
  pid: number;
  database: string;
  /** The PostgreSQL bin directory in use (psql, pg_dump, … live there). */
  bin: string;
  output(): string;
  running(): boolean;
  /** Fast shutdown of the whole process group, then removes the dir. */
  stop(): Promise<void>;
}
export function startPostgres(options?: { database?: string }): Promise<RunningPostgres>;
