/**
 * The answers of GET/HEAD /media/* that carry no media bytes, whatever the
 * byte source: errors (JSON, never cached) and the 304/412/416 of a plan.
 */
import type { FastifyReply } from 'fastify';
import { SluiceError, errorBody, type ErrorCode } from '../errors.js';
import type { ResponsePlan } from './response-plan.js';

/** A media error: JSON body, never cached (Chromium caches a bare 410). */
export function fail(reply: FastifyReply, code: ErrorCode, headers: Record<string, string> = {}): void {
  const e = new SluiceError(code);
  // 403/410 must not be cached: Chromium caches a bare 410 and its retries never reach us.
  reply.code(e.statusCode).headers({ 'cache-control': 'no-store', ...headers }).send(errorBody(e));
}

/** A plan without a body: 304 as planned, 412 and 416 as media errors. */
export function sendBodiless(reply: FastifyReply, plan: Exclude<ResponsePlan, { body: unknown }>): void {
  if (plan.status === 304) return void reply.code(304).headers(plan.headers).send();
  fail(reply, plan.status === 412 ? 'SLUICE_ERR_MEDIA_PRECONDITION_FAILED' : 'SLUICE_ERR_RANGE_NOT_SATISFIABLE', plan.headers);
}
