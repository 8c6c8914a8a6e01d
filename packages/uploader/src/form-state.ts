/**
 * The element's form value and validity (ElementInternals), derived from the
 * queue. The form does not submit while a file is refused, still uploading,
 * paused, or failed, nor without a video when `required`; each case has a
 * message a user can act on.
 */
import type { UploadErrorInfo } from './errors.js';
import type { UploadItem } from './upload-item.js';

export interface FormOptions {
  name: string;
  multiple: boolean;
  required: boolean;
  /** The last file refused by `accept`/`max-size`, until a good one is chosen. */
  refusal: UploadErrorInfo | null;
  /** Where the browser points its validation bubble. */
  anchor: HTMLElement | null;
}

const UNFINISHED = new Set(['queued', 'uploading', 'retrying', 'offline', 'paused']);

function validity(items: readonly UploadItem[], o: FormOptions, hasValue: boolean): [ValidityStateFlags, string] {
  if (o.refusal) {
    const flag = o.refusal.code === 'SLUICE_ERR_UPLOAD_TOO_LARGE' ? 'rangeOverflow' : 'typeMismatch';
    return [{ [flag]: true }, o.refusal.message];
  }
  const paused = items.find((i) => i.status === 'paused');
  if (paused) return [{ customError: true }, `“${paused.file.name}” is paused: resume or remove it before sending the form.`];
  const busy = items.find((i) => !i.uploaded && UNFINISHED.has(i.status));
  if (busy) return [{ customError: true }, `Please wait until “${busy.file.name}” has finished uploading.`];
  // A processing status we merely lost track of does not make the video bad.
  const failed = items.find((i) => i.status === 'failed' && i.error?.code !== 'SLUICE_ERR_UPLOAD_STATUS_LOST');
  if (failed) return [{ customError: true }, `“${failed.file.name}” failed: ${failed.error?.message ?? ''} Retry or remove it.`];
  if (o.required && !hasValue) return [{ valueMissing: true }, o.multiple ? 'Please choose at least one video.' : 'Please choose a video.'];
  return [{}, ''];
}

export function syncForm(internals: ElementInternals, items: readonly UploadItem[], o: FormOptions): void {
  const ids = items.filter((i) => i.uploaded && i.status !== 'cancelled' && i.videoId).map((i) => i.videoId as string);
  if (!o.name || ids.length === 0) {
    internals.setFormValue(null);
  } else if (o.multiple) {
    // One entry per video, like <select multiple>.
    const data = new FormData();
    for (const id of ids) data.append(o.name, id);
    internals.setFormValue(data);
  } else {
    internals.setFormValue(ids[0] ?? null);
  }
  const [flags, message] = validity(items, o, ids.length > 0);
  if (message) internals.setValidity(flags, message, o.anchor ?? undefined);
  else internals.setValidity({});
}
