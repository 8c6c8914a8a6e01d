/**
 * Credentials that know a service account's email but hold no key, like a
 * pod under workload identity: google-auth-library then signs URLs through
 * IAM signBlob with a bearer token instead of signing locally. Here the token
 * is a static one (nothing verifies OAuth locally), and the email comes from
 * `credentials` instead of the metadata server; from there on, the library
 * path (GoogleAuth.sign → signBlob over HTTP) is the one production takes.
 *
 * google-auth-library is the SDK's own dependency, resolved from where the
 * SDK is installed so `instanceof GoogleAuth` holds inside the SDK.
 */
import { createRequire } from 'node:module';
import type { StorageOptions } from '@google-cloud/storage';

type AuthClient = NonNullable<StorageOptions['authClient']>;
interface GoogleAuthLibrary {
  GoogleAuth: new (options: { authClient: unknown; credentials: { client_email: string } }) => AuthClient;
  OAuth2Client: new () => { setCredentials(c: { access_token: string; expiry_date: number }): void };
}

export function keylessAuth(clientEmail: string): AuthClient {
  const fromSdk = createRequire(createRequire(import.meta.url).resolve('@google-cloud/storage'));
  const { GoogleAuth, OAuth2Client } = fromSdk('google-auth-library') as GoogleAuthLibrary;
  const token = new OAuth2Client();
  token.setCredentials({ access_token: 'fake-workload-identity-token', expiry_date: Date.now() + 3_600_000 });
  return new GoogleAuth({ authClient: token, credentials: { client_email: clientEmail } });
}
