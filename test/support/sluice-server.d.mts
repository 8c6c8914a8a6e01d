import type { ChildProcess } from 'node:child_process';
export const CLI: string;
export interface SluiceProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}
export function startSluice(options?: { env?: Record<string, string>; dataDir?: string; port?: number }): Promise<SluiceProcess>;
