/**
 * Test apps on a bucket: one s3rver on loopback, a fresh bucket per app.
 * The server takes credentials from the standard AWS chain, so they go in
 * the environment once the emulator runs.
 */
import { s3rverBucket, startS3rver, type RunningS3rver } from '../storage/support/s3rver.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface BucketApps {
  s3: RunningS3rver;
  /** A test app on a new bucket, serving /media by proxy or by presigned URLs. */
  app(delivery: 'proxy' | 'direct'): Promise<TestApp>;
  stop(): Promise<void>;
}

export async function startBucketApps(): Promise<BucketApps> {
  const s3 = await startS3rver();
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  return {
    s3,
    async app(delivery) {
      const { bucket } = await s3rverBucket(s3);
      return startTestApp({ SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: bucket, SLUICE_S3_ENDPOINT: s3.endpoint, SLUICE_S3_FORCE_PATH_STYLE: 'on', SLUICE_DELIVERY: delivery });
    },
    stop: () => s3.stop(),
  };
}
