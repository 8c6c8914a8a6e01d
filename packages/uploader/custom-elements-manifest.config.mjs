// `pnpm --filter @sluice/uploader run manifest` → custom-elements.json (the element's
// attributes, properties, methods, events, slots, CSS parts and properties, from its JSDoc).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.d.ts'],
  outdir: '.',
  litelement: true,
  plugins: [{
    // `#emit(type, …)` dispatches `new CustomEvent(type)`: the analyzer reads that as an event
    // named "type"; the real events are the @fires tags.
    name: 'sluice-drop-dynamic-event-name',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) if (d.events) d.events = d.events.filter((e) => e.name !== 'type');
        // `static properties` entries with `state: true` (`_dragging`, …) are internal
        // state, not attributes; the analyzer lists them as both.
        for (const d of mod.declarations ?? []) {
          if (d.attributes) d.attributes = d.attributes.filter((a) => !a.name.startsWith('_'));
          if (d.members) d.members = d.members.filter((m) => !m.name.startsWith('_'));
        }
      }
    },
  }],
};
