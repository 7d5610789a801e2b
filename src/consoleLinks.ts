// The console-link builder lives in src/shared/consoleLinks.ts; this name stays only for src/tree/levels.ts until its import moves there.
export { consoleUrl } from './shared/consoleLinks';
