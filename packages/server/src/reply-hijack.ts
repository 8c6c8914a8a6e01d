/**
 * Takes over a Fastify reply to write the raw response (media bytes, SSE),
 * keeping the headers hooks already set on the reply — @fastify/cors sets
 * Access-Control-* there, and a hijacked reply would otherwise drop them.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

export function hijack(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  const hooked = reply.getHeaders();
  for (const name in hooked) res.setHeader(name, hooked[name]!);
  return res;
}
