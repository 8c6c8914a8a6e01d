/**
 * Who may touch an upload, decided before tus sees the request: an upload
 * token; for an existing upload, the capability in its URL
 * (upload-capability.ts) and, when the creating token had a `sub`, the same
 * `sub`. Every refusal about an existing upload is the same 404, so a caller
 * cannot learn whether an id has an upload. Also the tus checks whose
 * @tus/server answer is wrong for us: Tus-Resumable (412 + Tus-Version) and
 * a PATCH's Content-Type (tus 1.0: 415, where tus answers 400/403).
 */
import type { FastifyRequest } from 'fastify';
import { authenticate, type SluiceClaims } from '../auth/tokens.js';
import { SluiceError } from '../errors.js';
import type { Services } from '../services.js';
import { uploadIdFromSegment } from './upload-capability.js';

export interface UploadAccess { claims?: SluiceClaims; uploadId?: string }

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

export async function checkUploadRequest(s: Services, req: FastifyRequest, segment: string | undefined): Promise<UploadAccess> {
  if (req.method === 'OPTIONS') return {};
  const { claims } = authenticate(s.app, req, { aud: ['upload'] });
  if (header(req, 'tus-resumable') !== '1.0.0') throw new SluiceError('SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED');
  if (req.method === 'POST') {
    const length = Number(header(req, 'upload-length'));
    if (claims.maxBytes !== undefined && length > claims.maxBytes) {
      throw new SluiceError('SLUICE_ERR_UPLOAD_TOO_LARGE', `This upload token allows at most ${claims.maxBytes} bytes.`);
    }
    return { claims };
  }
  const uploadId = segment === undefined ? undefined : uploadIdFromSegment(s.config.secret, segment);
  const owner = uploadId === undefined ? undefined : (await s.store.getVideo(uploadId))?.owner;
  if (uploadId === undefined || owner === undefined || (owner !== null && claims.aud !== 'admin' && claims.sub !== owner)) {
    throw new SluiceError('SLUICE_ERR_UPLOAD_NOT_FOUND');
  }
  if (req.method === 'PATCH') {
    const type = header(req, 'content-type');
    if (type?.trim().toLowerCase() !== 'application/offset+octet-stream') {
      throw new SluiceError('SLUICE_ERR_UPLOAD_CONTENT_TYPE', `A PATCH must be sent with Content-Type: application/offset+octet-stream${type ? `, not ${JSON.stringify(type.slice(0, 100))}` : ''}.`);
    }
  }
  return { claims, uploadId };
}
