export interface RunningRedis {
  /** redis://127.0.0.1:<port> (no password, db 0). */
  url: string;
  port: number;
  /** Temp working dir; removed by stop(). */
  dir: string;
  pid: number;
  output(): string;
  running(): boolean;
  /** SIGTERM to its process group, waits for exit, removes the dir. */
  stop(): Promise<void>;
}
export function startRedis(): Promise<RunningRedis>;
/** One inline command over a fresh connection; resolves with the first `lines` (default 1) reply lines joined by \n ('' on failure). */
export function redisCommand(port: number, command: string, lines?: number): Promise<string>;
