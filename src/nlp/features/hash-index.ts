/**
 * Position of each 32-bit key in a list of distinct keys, by open addressing: several times
 * faster than a Map<number, number> on the classify hot path, and built in a few ms when a
 * model loads. Used for feature columns (Vocabulary) and dictionary words (ZhDictionary).
 */
export class HashIndex {
  private readonly keys: Int32Array;
  private readonly positions: Int32Array;
  private readonly mask: number;

  constructor(keys: Int32Array, what = 'key') {
    let cap = 16;
    while (cap < keys.length * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Int32Array(cap);
    this.positions = new Int32Array(cap).fill(-1);
    for (let i = 0; i < keys.length; i++) {
      const h = keys[i]!;
      let slot = slotOf(h) & this.mask;
      while (this.positions[slot] !== -1) {
        if (this.keys[slot] === h) throw new Error(`duplicate ${what}`);
        slot = (slot + 1) & this.mask;
      }
      this.keys[slot] = h;
      this.positions[slot] = i;
    }
  }

  /** Position of h in the key list, or -1. */
  get(h: number): number {
    let slot = slotOf(h) & this.mask;
    for (;;) {
      const p = this.positions[slot]!;
      if (p === -1 || this.keys[slot] === h) return p;
      slot = (slot + 1) & this.mask;
    }
  }
}

function slotOf(h: number): number {
  // Fibonacci hashing: the keys are already mixed hashes, this just spreads low bits.
  return Math.imul(h, 0x9e3779b1) >>> 7;
}
