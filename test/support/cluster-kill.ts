/**
 * Finding the node to kill: the API node carrying a PATCH in flight (from
 * nginx's open upstream connections), and the worker running a video's
 * transcode (its /healthz, else the ffmpeg in its process group).
 */
import type { Cluster, ClusterNode } from './cluster.js';
import { connectionsTo, groupMembers } from './proc.js';

/** Upstream connections nginx holds open to each API node right now. */
export function apiConnections(cluster: Cluster): Map<ClusterNode, number> {
  return new Map(cluster.apis().filter((n) => !n.gone()).map((n) => [n, connectionsTo(n.port)]));
}

/** The one API node with more open connections than in `before`; throws unless exactly one. */
export function nodeCarryingRequest(cluster: Cluster, before: Map<ClusterNode, number>): ClusterNode {
  const now = apiConnections(cluster);
  const grew = [...now].filter(([n, c]) => c > (before.get(n) ?? 0)).map(([n]) => n);
  if (grew.length !== 1) throw new Error(`expected one API node with a new connection, found ${grew.length}: ${[...now].map(([n, c]) => `${n.name}=${c}`).join(' ')}`);
  return grew[0]!;
}

interface WorkerHealth { ok?: boolean; role?: string; running?: unknown }

export async function workerHealth(node: ClusterNode): Promise<WorkerHealth | undefined> {
  try {
    const res = await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? (await res.json()) as WorkerHealth : undefined;
  } catch { return undefined; }
}

/** ffmpeg processes in the node's group whose command line names the video. */
export function ffmpegOf(node: ClusterNode, videoId: string): number[] {
  return groupMembers(node.pid).filter((p) => /ffmpeg/.test(p.cmdline) && p.cmdline.includes(videoId)).map((p) => p.pid);
}

/**
 * The live worker running `videoId`: the one whose /healthz lists it in
 * `running` when that is a list, else the one with an ffmpeg for it.
 */
export async function workerRunning(cluster: Cluster, videoId: string): Promise<ClusterNode | undefined> {
  const live = cluster.workers().filter((w) => !w.gone());
  const health = await Promise.all(live.map(workerHealth));
  const byHealth = live.filter((_w, i) => {
    const running = health[i]?.running;
    return Array.isArray(running) && running.some((r) => r === videoId || (typeof r === 'object' && r !== null && (r as { videoId?: unknown }).videoId === videoId));
  });
  if (byHealth.length === 1) return byHealth[0];
  const byProcess = live.filter((w) => ffmpegOf(w, videoId).length > 0);
  return byProcess.length === 1 ? byProcess[0] : undefined;
}
