/**
 * The customer messages the pipeline benchmark sends (and whose English ones the encoders
 * benchmark encodes). Every text differs (numbers, places), as real messages do: nothing is
 * answered from a cache.
 */
const TEMPLATES: { language: 'en' | 'zh'; text: (n: number) => string }[] = [
  { language: 'en', text: (n) => `Where is my order ${10000 + (n % 90000)}?` },
  {
    language: 'en',
    text: (n) =>
      `Do you ship to ${['Canada', 'Norway', 'Chile', 'Kenya', 'Japan', 'Peru'][n % 6]} from warehouse ${n}?`,
  },
  { language: 'en', text: (n) => `My package ${n} arrived damaged, I want a refund` },
  { language: 'en', text: (n) => `How do I reset my password? I tried ${n % 50} times already` },
  { language: 'zh', text: (n) => `我的订单${10000 + (n % 90000)}什么时候发货？` },
  { language: 'en', text: (n) => `Can I change the delivery address of order ${20000 + (n % 70000)}?` },
];

/** The n-th message of the pipeline benchmark's mix (five English, one Chinese). */
export function benchMessage(n: number): string {
  return (TEMPLATES[n % TEMPLATES.length] as (typeof TEMPLATES)[number]).text(n);
}

/** The n-th English message of the same mix. */
export function englishBenchMessage(n: number): string {
  const english = TEMPLATES.filter((t) => t.language === 'en');
  return (english[n % english.length] as (typeof TEMPLATES)[number]).text(n);
}
