/** Uploads a file to a Sluice server with tus-js-client from Node. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

export interface UploadResult { url: string; videoId: string; videoToken: string }

export function tusUpload(endpoint: string, file: string, token: string, options: { chunkSize?: number; metadata?: Record<string, string> } = {}): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    let videoId = '';
    let videoToken = '';
    const upload = new tus.Upload(createReadStream(file), {
      endpoint,
      uploadSize: statSync(file).size,
      chunkSize: options.chunkSize ?? Infinity,
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: basename(file), filetype: 'video/mp4', ...options.metadata },
      retryDelays: [],
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'POST') {
          videoId = res.getHeader('Sluice-Video-Id') ?? '';
          videoToken = res.getHeader('Sluice-Video-Token') ?? '';
        }
      },
      onError: reject,
      onSuccess: () => resolve({ url: upload.url ?? '', videoId, videoToken }),
    });
    upload.start();
  });
}
