import { normalizeText } from '../text/normalize.js';

/**
 * Urgency 0..1 from explicit cues: legal threats, chargebacks, public exposure, demands for an
 * immediate refund. Each cue is an independent piece of evidence: urgency = 1 - prod(1 - w).
 */
interface Cue {
  id: string;
  weight: number;
  /** English cues: regex on normalised text (apostrophes removed, digits -> 0). */
  re?: RegExp;
  /** Chinese cues: plain substrings. */
  zh?: readonly string[];
}

export const URGENCY_CUES: readonly Cue[] = [
  {
    id: 'legal',
    weight: 0.7,
    re: /\b(lawyers?|attorneys?|sue|suing|lawsuit|legal action|court|small claims)\b/,
  },
  { id: 'legal', weight: 0.7, zh: ['律师', '起诉', '法院', '打官司', '法律途径', '法律责任'] },
  {
    id: 'chargeback',
    weight: 0.6,
    re: /\b(chargebacks?|dispute (the|this) (charge|payment)|call my bank)\b/,
  },
  { id: 'chargeback', weight: 0.5, zh: ['拒付', '银行申诉', '冻结'] },
  {
    id: 'regulator',
    weight: 0.6,
    re: /\b(bbb|better business bureau|ftc|ombudsman|trading standards|regulator)\b/,
  },
  { id: 'regulator', weight: 0.6, zh: ['消协', '消费者协会', '12315', '工商', '市场监管'] },
  {
    id: 'exposure',
    weight: 0.5,
    re: /\b(go(ing)? public|the press|news|social media|review everywhere|expose)\b/,
  },
  { id: 'exposure', weight: 0.6, zh: ['曝光', '媒体', '微博', '网上发', '记者'] },
  { id: 'complaint', weight: 0.3, zh: ['投诉', '差评', '举报'] },
  { id: 'fraud', weight: 0.5, re: /\b(fraud|scam(med)?|stolen|unauthori[sz]ed|hacked)\b/ },
  { id: 'fraud', weight: 0.5, zh: ['诈骗', '骗子', '被盗', '盗刷', '欺诈', '报警'] },
  { id: 'refund', weight: 0.3, re: /\b(refund|money back|reimburse)/ },
  { id: 'refund', weight: 0.3, zh: ['退款', '退钱', '赔偿', '索赔'] },
  {
    id: 'now',
    weight: 0.4,
    re: /\b(now|immediately|asap|urgent(ly)?|right away|emergency|today|at once|straight away)\b/,
  },
  { id: 'now', weight: 0.4, zh: ['马上', '立刻', '立即', '赶紧', '尽快', '紧急', '急', '今天之内'] },
  {
    id: 'last_straw',
    weight: 0.3,
    re: /\b(last time|never again|cancel my (account|subscription)|fed up|unacceptable)\b/,
  },
  { id: 'last_straw', weight: 0.3, zh: ['最后一次', '再也不', '忍无可忍', '注销', '销户'] },
];

// One combined test first: most messages match no cue, and 17 separate scans cost ~3 us.
const ANY_EN = new RegExp(URGENCY_CUES.flatMap((c) => (c.re ? [c.re.source] : [])).join('|'), 'u');
const ANY_ZH = new RegExp(URGENCY_CUES.flatMap((c) => c.zh ?? []).join('|'), 'u');

/** Indices into URGENCY_CUES of the cues present in already-normalised text. */
export function matchCues(norm: string): number[] {
  const en = ANY_EN.test(norm);
  const zh = ANY_ZH.test(norm);
  if (!en && !zh) return [];
  const out: number[] = [];
  URGENCY_CUES.forEach((cue, i) => {
    if ((en && cue.re?.test(norm)) || (zh && cue.zh?.some((w) => norm.includes(w)))) out.push(i);
  });
  return out;
}

export function urgencyCues(text: string): string[] {
  return matchCues(normalizeText(text)).map((i) => URGENCY_CUES[i]!.id);
}

export function urgencyScore(text: string): number {
  let calm = 1;
  for (const i of matchCues(normalizeText(text))) calm *= 1 - URGENCY_CUES[i]!.weight;
  // Shouting adds a little: repeated "!" / "！" or several all-caps words.
  if (/[!！]{2,}/.test(text)) calm *= 0.85;
  if ((text.match(/\b[A-Z]{3,}\b/g)?.length ?? 0) >= 2) calm *= 0.85;
  return Math.round((1 - calm) * 1000) / 1000;
}
