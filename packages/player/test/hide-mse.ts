/**
 * Imported first by tests of the native engine: without MediaSource (as on
 * an iPhone) the element must use the browser's own HLS, which Debian's
 * Chromium 156 has.
 */
for (const name of ['MediaSource', 'ManagedMediaSource', 'WebKitMediaSource']) Reflect.deleteProperty(self, name);
if ('MediaSource' in self) throw new Error('could not hide MediaSource from the page');
