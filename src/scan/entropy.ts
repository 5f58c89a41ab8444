/** Shannon entropy in bits per character: how random a value looks. Random base62 ≈ 5, hex ≈ 4, words ≈ 2.5–3.5. */
const ascii = new Int32Array(128);

export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  ascii.fill(0);
  let other: Map<number, number> | null = null;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) ascii[c] = (ascii[c] ?? 0) + 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let bits = 0;
  const add = (count: number) => {
    const p = count / n;
    bits -= p * Math.log2(p);
  };
  for (let c = 0; c < 128; c++) if ((ascii[c] ?? 0) > 0) add(ascii[c] ?? 0);
  if (other) for (const count of other.values()) add(count);
  return bits;
}
