import type { ChildProcess } from 'node:child_process';
export function freePort(): Promise<number>;
export function alive(pid: number): boolean;
export interface Engine {
  child: ChildProcess;
  output(): string;
  gone(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the whole process group (stopSignal, SIGKILL after 15 s), waits, removes `dir`. */
  stop(): Promise<void>;
}
export function spawnEngine(o: {
  bin: string; args: string[]; dir: string; cwd?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv;
  stopSignal: NodeJS.Signals; exitSignal: NodeJS.Signals;
}): Engine;
export function waitUntil(engine: Engine, name: string, check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
