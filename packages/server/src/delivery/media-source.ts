/**
 * Where the bytes of /media come from, chosen once when the app is built:
 * local disk (disk-source.ts) or a bucket (bucket-source.ts). The route
 * (media-route.ts) has checked the path and the signature before a source
 * is asked; the source looks the file up (404) and answers with the plan of
 * response-plan.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface MediaSource {
  /** `relative`: validated path under the media root, e.g. `<id>/hls/720p/seg_00001.m4s`. */
  serve(req: FastifyRequest, reply: FastifyReply, relative: string): void | Promise<void>;
  /** Releases descriptors and buffers when the app closes. */
  close(): void;
}
