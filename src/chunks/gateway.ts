// The gateway chunk: the `ws` client, bundled here only, for every feature that opens a websocket to
// Qovery's gateway (live logs today). Activation never loads it; the first stream does.
import WebSocket from 'ws';
import type { Core } from './core';

/** Frames over this many bytes are refused (the socket is closed rather than the memory taken). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export interface ConnectOptions {
  /** The largest frame accepted (DEFAULT_MAX_FRAME_BYTES when not given). */
  maxPayload?: number;
}

export function create(_core: Core) {
  return {
    /**
     * Opens a websocket with these headers: no redirect is followed (the Authorization header never
     * leaves for another origin), no compression, 15 s for the upgrade.
     */
    connect: (url: string, headers: Record<string, string>, options: ConnectOptions = {}): WebSocket =>
      new WebSocket(url, { headers, handshakeTimeout: 15_000, maxPayload: options.maxPayload ?? DEFAULT_MAX_FRAME_BYTES, followRedirects: false, perMessageDeflate: false }),
    dispose: () => undefined,
  };
}

declare module './core' {
  interface ChunkModules {
    gateway: typeof create;
  }
}
