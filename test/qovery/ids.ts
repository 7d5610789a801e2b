// Deterministic, random-looking UUIDs that decode to what they name, so large accounts need no index tables.

export const IdKind = {
  organization: 1,
  project: 2,
  environment: 3,
  service: 4,
  cluster: 5,
  role: 6,
  apiToken: 7,
  user: 8,
  registry: 9,
  helmRepository: 10,
  deployment: 11,
} as const;
export type IdKind = (typeof IdKind)[keyof typeof IdKind];

/** Account namespaces keep the demo and generated accounts from sharing ids. */
export const AccountCode = { demo: 1, large: 2 } as const;

export interface DecodedId {
  kind: number;
  account: number;
  indexes: [number, number, number, number];
}

const MAX_INDEX = 0xffff;
const CHECK = 0x5eed;
const SALT = 0x2c1b3c6d;
const TAIL_SALT = 0x6a09e667;
const M1 = 0x7feb352d;
const M2 = 0x846ca68b;

/** Modular inverse of an odd 32-bit multiplier (Newton iteration doubles the correct bits each step). */
function inverseOf(m: number): number {
  let inv = m;
  for (let i = 0; i < 5; i++) {
    inv = Math.imul(inv, 2 - Math.imul(m, inv));
  }
  return inv >>> 0;
}
const M1_INV = inverseOf(M1);
const M2_INV = inverseOf(M2);

function unXorShift(y: number, shift: number): number {
  let x = y;
  for (let s = shift; s < 32; s += shift) {
    x = y ^ (x >>> shift);
  }
  return x >>> 0;
}

function mix(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, M1) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, M2) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function unmix(x: number): number {
  x = unXorShift(x, 16);
  x = Math.imul(x, M2_INV) >>> 0;
  x = unXorShift(x, 15);
  x = Math.imul(x, M1_INV) >>> 0;
  return unXorShift(x, 16);
}

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

function checkIndex(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INDEX) {
    throw new RangeError(`id index out of range: ${value}`);
  }
  return value;
}

/** Encodes kind, account and indexes (each 0..65535) into a version-4-shaped UUID. */
export function encodeId(kind: number, account: number, a = 0, b = 0, c = 0, d = 0): string {
  const w0 = ((kind & 0xff) << 24) | ((account & 0xff) << 16) | checkIndex(a);
  const w1 = (checkIndex(b) << 16) | checkIndex(c);
  const w2 = (checkIndex(d) << 16) | CHECK;
  // A forward then a backward chaining pass makes every word depend on every field.
  const y0 = mix((w0 ^ SALT) >>> 0);
  const y1 = mix((w1 ^ y0) >>> 0);
  const z2 = mix((w2 ^ y1) >>> 0);
  const z1 = mix((y1 ^ z2) >>> 0);
  const z0 = mix((y0 ^ z1) >>> 0);
  const tail = mix((z0 ^ z2 ^ TAIL_SALT) >>> 0) & 0xffffff;
  const data = hex(z0, 8) + hex(z1, 8) + hex(z2, 8) + hex(tail, 6);
  const variant = '89ab'[tail & 3];
  return `${data.slice(0, 8)}-${data.slice(8, 12)}-4${data.slice(12, 15)}-${variant}${data.slice(15, 18)}-${data.slice(18, 30)}`;
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Decodes an id made by encodeId; undefined for any other string (including foreign UUIDs). */
export function decodeId(id: string): DecodedId | undefined {
  const text = id.toLowerCase();
  if (!UUID_SHAPE.test(text)) {
    return undefined;
  }
  const compact = text.replace(/-/g, '');
  const data = compact.slice(0, 12) + compact.slice(13, 16) + compact.slice(17);
  const z0 = parseInt(data.slice(0, 8), 16);
  const z1 = parseInt(data.slice(8, 16), 16);
  const z2 = parseInt(data.slice(16, 24), 16);
  const y0 = (unmix(z0) ^ z1) >>> 0;
  const y1 = (unmix(z1) ^ z2) >>> 0;
  const w2 = (unmix(z2) ^ y1) >>> 0;
  if ((w2 & 0xffff) !== CHECK) {
    return undefined;
  }
  const w1 = (unmix(y1) ^ y0) >>> 0;
  const w0 = (unmix(y0) ^ SALT) >>> 0;
  const decoded: DecodedId = {
    kind: w0 >>> 24,
    account: (w0 >>> 16) & 0xff,
    indexes: [w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16],
  };
  const [a, b, c, d] = decoded.indexes;
  return encodeId(decoded.kind, decoded.account, a, b, c, d) === text ? decoded : undefined;
}

/** Indexes of an id when it has the expected kind and account. */
export function indexesOf(id: string, kind: IdKind, account: number): [number, number, number, number] | undefined {
  const decoded = decodeId(id);
  return decoded && decoded.kind === kind && decoded.account === account ? decoded.indexes : undefined;
}
