/** Shannon entropy in bits per character: how random a value looks. Random base62 ≈ 5, hex ≈ 4, words ≈ 2.5–3.5. */
const ascii = new Int32Array(128);

/** Each count's term `p·log2(p)` within one call: characters with the same count share it (most have 1 or 2). */
const MAX_SHARED = 1024;
const terms = new Float64Array(MAX_SHARED + 1);
const stamps = new Int32Array(MAX_SHARED + 1);
let call = 0;

function term(count: number, n: number): number {
  if (count <= MAX_SHARED && stamps[count] === call) return terms[count] as number;
  const p = count / n;
  const t = p * Math.log2(p);
  if (count <= MAX_SHARED) {
    terms[count] = t;
    stamps[count] = call;
  }
  return t;
}

/**
 * One pass counts the characters and one more adds up each distinct one's share, clearing its count
 * as it goes: linear in the value, with no per-call cost for the 128 counters a short value never
 * uses, and one logarithm per distinct count rather than per distinct character.
 */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  if (call === 0x7fffffff) {
    stamps.fill(0);
    call = 0;
  }
  call++;
  let other: Map<number, number> | null = null;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) ascii[c] = (ascii[c] as number) + 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) continue;
    const count = ascii[c] as number;
    if (count === 0) continue;
    ascii[c] = 0;
    bits -= term(count, n);
  }
  if (other) for (const count of other.values()) bits -= term(count, n);
  return bits;
}
