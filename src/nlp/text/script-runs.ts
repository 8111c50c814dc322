/**
 * Splits normalised text into script runs: Han runs go to the Chinese pipeline, letter/digit
 * words to the English one, and "!", "?" and emoji are kept as tokens (they carry intent and
 * mood). Mixed messages ("我的iPhone坏了") are handled by both pipelines at once.
 */
export type ScriptRunKind = 'han' | 'word' | 'mark';

export interface ScriptRun {
  kind: ScriptRunKind;
  text: string;
}

// Han characters are letters too: the word alternative must stop at them ("iphone坏了").
const SCRIPT_RUN_RE =
  /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+)|([!?]|\p{Extended_Pictographic})/gu;

export function scriptRuns(normalized: string): ScriptRun[] {
  const out: ScriptRun[] = [];
  for (const m of normalized.matchAll(SCRIPT_RUN_RE)) {
    if (m[1] !== undefined) out.push({ kind: 'han', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'word', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'mark', text: m[3] });
  }
  return out;
}
