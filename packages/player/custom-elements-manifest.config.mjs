// `pnpm --filter @sluice/player run manifest` → custom-elements.json (attributes, properties,
// methods, events, CSS parts and custom properties of <video-stream-player>, from its JSDoc).
// The HTMLMediaElement members mirrored at runtime (media-mirror.ts) are added by the plugin below.
import { readFileSync } from 'node:fs';

// The one list of mirrored names lives in src/media-mirror.ts; read it from there.
const mirrorSource = readFileSync(new URL('./src/media-mirror.ts', import.meta.url), 'utf8');
const elementSource = readFileSync(new URL('./src/video-stream-player.ts', import.meta.url), 'utf8');
const names = (constName, source = mirrorSource) => {
  const m = new RegExp(`const ${constName} = \\[([^\\]]*)\\]`).exec(source);
  if (!m) throw new Error(`${constName} not found`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
};
const [MEDIA_RW_PROPS, MEDIA_RO_PROPS, MEDIA_METHODS] = ['MEDIA_RW_PROPS', 'MEDIA_RO_PROPS', 'MEDIA_METHODS'].map((n) => names(n));
const VIDEO_ATTRS = names('VIDEO_ATTRS', elementSource);

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.d.ts'],
  outdir: '.',
  litelement: true,
  plugins: [{
    name: 'sluice-player-manifest',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) {
          // `#emit(type, …)` reads as an event named "type"; the real events are the @fires tags.
          if (d.events) d.events = d.events.filter((e) => e.name !== 'type');
          if (d.name !== 'VideoStreamPlayer') continue;
          const mirrored = (name, extra) => ({ kind: 'field', name, description: `Mirrors HTMLMediaElement.${name} of the shadow <video>.`, ...extra });
          const own = d.members.filter((m) => (!m.privacy || m.privacy === 'public') && !MEDIA_RW_PROPS.includes(m.name));
          d.members = [
            ...own,
            ...MEDIA_RW_PROPS.map((n) => mirrored(n)),
            ...MEDIA_RO_PROPS.map((n) => mirrored(n, { readonly: true })),
            ...MEDIA_METHODS.map((n) => ({ kind: 'method', name: n, description: `Calls HTMLMediaElement.${n}() on the shadow <video>.` })),
          ];
          d.attributes = [
            ...(d.attributes ?? []),
            ...VIDEO_ATTRS.map((name) => ({ name, description: `Copied to the shadow <video> (HTMLMediaElement's own \`${name}\` attribute).` })),
          ];
        }
      }
    },
  }],
};
