export function makeClip(out: string, w: number, h: number, seconds: number): string;
export function ensureStaticMedia(dir?: string, seconds?: number): string;
export interface MediaRequest { path: string; query: string; status: number }
export function serveMedia(dir: string): Promise<{ url: string; log: MediaRequest[]; close(): Promise<void> }>;
