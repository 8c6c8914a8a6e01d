/**
 * The CODECS attribute of a variant (RFC 8216 §4.3.4.2: "a comma-separated
 * list of formats, where each format specifies a media sample type that is
 * present in one or more Renditions specified by the Variant Stream"), read
 * from the variant's fMP4 init segment so it names what was really encoded.
 */
import { readFile } from 'node:fs/promises';

/** `avc1.PPCCLL` from the avcC box (RFC 6381 §3.3), plus `mp4a.40.2` when an AAC track exists. */
export async function codecsFromInit(initPath: string): Promise<string> {
  const buf = await readFile(initPath);
  const codecs: string[] = [];
  const avcC = buf.indexOf('avcC');
  // avcC payload: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication.
  if (avcC >= 0 && avcC + 8 <= buf.length) {
    const hex = (b: number | undefined): string => (b ?? 0).toString(16).padStart(2, '0');
    codecs.push(`avc1.${hex(buf[avcC + 5])}${hex(buf[avcC + 6])}${hex(buf[avcC + 7])}`);
  }
  // We encode AAC-LC (audio object type 2) only.
  if (buf.indexOf('mp4a') >= 0) codecs.push('mp4a.40.2');
  return codecs.join(',');
}
