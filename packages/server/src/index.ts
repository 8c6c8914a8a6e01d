export { buildApp, type BuildAppOptions } from './app.js';
export { loadConfig, resolveSecret, parseDuration, parseSize, type SluiceConfig } from './config.js';
export { ERRORS, SluiceError, type ErrorCode } from './errors.js';
