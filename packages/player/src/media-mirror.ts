/**
 * The HTMLMediaElement API forwarded from a host element to the `<video>` in
 * its shadow root (media-elements' custom-media-element model): properties
 * and methods on the prototype, native events re-dispatched from the host,
 * and properties set before the element upgraded kept.
 */

/** Native media events re-dispatched from the host (same type, not bubbling, like the originals). */
export const MEDIA_EVENTS = [
  'abort', 'canplay', 'canplaythrough', 'durationchange', 'emptied', 'encrypted', 'ended', 'error',
  'loadeddata', 'loadedmetadata', 'loadstart', 'pause', 'play', 'playing', 'progress', 'ratechange',
  'resize', 'seeked', 'seeking', 'stalled', 'suspend', 'timeupdate', 'volumechange', 'waiting',
  'waitingforkey', 'enterpictureinpicture', 'leavepictureinpicture',
] as const;

/** Read/write properties forwarded as-is. */
export const MEDIA_RW_PROPS = [
  'currentTime', 'volume', 'muted', 'defaultMuted', 'playbackRate', 'defaultPlaybackRate', 'preservesPitch',
  'loop', 'autoplay', 'preload', 'crossOrigin', 'playsInline', 'disablePictureInPicture', 'disableRemotePlayback',
] as const;

/** Read-only state. */
export const MEDIA_RO_PROPS = [
  'duration', 'paused', 'ended', 'seeking', 'readyState', 'networkState', 'buffered', 'seekable', 'played',
  'error', 'currentSrc', 'videoWidth', 'videoHeight', 'textTracks', 'audioTracks', 'videoTracks',
] as const;

/** Methods called on the video with the same arguments. */
export const MEDIA_METHODS = [
  'play', 'pause', 'canPlayType', 'fastSeek', 'addTextTrack', 'requestPictureInPicture',
  'getVideoPlaybackQuality', 'requestVideoFrameCallback', 'cancelVideoFrameCallback',
] as const;

type Rw = (typeof MEDIA_RW_PROPS)[number];
type Ro = (typeof MEDIA_RO_PROPS)[number];
type Method = (typeof MEDIA_METHODS)[number];

/** The mirrored surface, typed after HTMLVideoElement. */
export type MediaMirror = Pick<HTMLVideoElement, Rw | Method> & Readonly<Pick<HTMLVideoElement, Exclude<Ro, 'audioTracks' | 'videoTracks'>>>;

interface HasVideo { readonly video: HTMLVideoElement }
type Bag = Record<string, unknown>;

/**
 * Defines the forwarding accessors and methods on `proto`; `onSet` sees
 * every property write; `onGet` may answer a read instead of the video
 * (anything but undefined), e.g. the position held while a source reloads.
 */
export function defineMediaMirror<T extends HasVideo>(proto: T, onSet?: (el: T, name: string, value: unknown) => void, onGet?: (el: T, name: string) => unknown): void {
  const read = (el: T, name: string): unknown => onGet?.(el, name) ?? (el.video as unknown as Bag)[name];
  for (const name of MEDIA_RW_PROPS) {
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: true,
      get(this: T) { return read(this, name); },
      set(this: T, v: unknown) { (this.video as unknown as Bag)[name] = v; onSet?.(this, name, v); },
    });
  }
  for (const name of MEDIA_RO_PROPS) {
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: true,
      get(this: T) { return read(this, name); },
    });
  }
  for (const name of MEDIA_METHODS) {
    Object.defineProperty(proto, name, {
      configurable: true, writable: true,
      value(this: HasVideo, ...args: unknown[]) {
        const fn = (this.video as unknown as Bag)[name];
        if (typeof fn !== 'function') throw new DOMException(`${name}() is not supported by this browser`, 'NotSupportedError');
        return (fn as (...a: unknown[]) => unknown).apply(this.video, args);
      },
    });
  }
}

/**
 * Properties assigned before upgrade sit on the instance and shadow the
 * prototype accessors: move them through the accessors (to the video).
 */
export function upgradeMediaProps(el: HasVideo): void {
  for (const name of MEDIA_RW_PROPS) {
    if (Object.prototype.hasOwnProperty.call(el, name)) {
      const value = (el as unknown as Bag)[name];
      delete (el as unknown as Bag)[name];
      (el as unknown as Bag)[name] = value;
    }
  }
}

/** Re-dispatches every native media event of `video` from `host`, except those `skip` claims; returns the undo. */
export function forwardMediaEvents(video: HTMLVideoElement, host: HTMLElement, skip?: (e: Event) => boolean): () => void {
  const relay = (e: Event): void => { if (!skip?.(e)) host.dispatchEvent(new Event(e.type)); };
  for (const type of MEDIA_EVENTS) video.addEventListener(type, relay);
  return () => { for (const type of MEDIA_EVENTS) video.removeEventListener(type, relay); };
}
