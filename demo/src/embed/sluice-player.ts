/**
 * `embed/sluice-player.js`: `<video-stream-player>` as one stable file, so
 * another page can use it with a single module script tag (the Embed snippet).
 * hls.js stays a separate chunk, loaded only when a stream needs it.
 */
export * from '@sluice/player';
