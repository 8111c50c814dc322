/**
 * Temperature scaling (Guo et al. 2017): one scalar T so that softmax(scores / T) matches
 * observed accuracy on held-out messages. It keeps the ranking of the classifier and is
 * robust with little held-out data, unlike per-class Platt scaling.
 */
export function softmaxInto(scores: ArrayLike<number>, temperature: number, out: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < out.length; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  for (let k = 0; k < out.length; k++) {
    const e = Math.exp((scores[k]! - max) / temperature);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / sum;
  return out;
}

/** Mean negative log-likelihood of the true labels under softmax(scores / T). */
export function nll(scores: readonly ArrayLike<number>[], labels: Int32Array, temperature: number): number {
  if (scores.length === 0) return 0;
  const probs = new Float64Array(scores[0]!.length);
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    softmaxInto(scores[i]!, temperature, probs);
    total -= Math.log(Math.max(probs[labels[i]!]!, 1e-12));
  }
  return total / scores.length;
}

/** Golden-section search for the NLL-minimising temperature over log T in [-5, 3]. */
export function fitTemperature(scores: readonly ArrayLike<number>[], labels: Int32Array): number {
  if (scores.length === 0) return 1;
  const f = (logT: number) => nll(scores, labels, Math.exp(logT));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = -5;
  let b = 3;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}
