// tus-js-client 4 publishes its untranspiled ES2017+ sources under lib/ (no
// `exports` map, so deep imports resolve). The element imports the core and
// the XHR stack from there instead of the babel/regenerator build, which
// halves tus-js-client's share of the bundle; these give those paths the
// package's own types.
declare module 'tus-js-client/lib/upload.js' {
  import type { Upload, UploadOptions } from 'tus-js-client';
  /** The platform-neutral core; the browser entry adds its defaults to `defaultOptions`. */
  const BaseUpload: typeof Upload & { defaultOptions: UploadOptions };
  export default BaseUpload;
}

declare module 'tus-js-client/lib/browser/httpStack.js' {
  import type { HttpStack, HttpRequest } from 'tus-js-client';
  export default class XHRHttpStack implements HttpStack {
    createRequest(method: string, url: string): HttpRequest;
    getName(): string;
  }
}
