// Types for the few parts of `natural` imported one by one: importing the package root costs
// ~0.5 s, reads .env and prints, so we never do it, and its own typings only cover the root.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/sentiment/SentimentAnalyzer.js' {
  class SentimentAnalyzer {
    constructor(language: string, stemmer: { stem(token: string): string } | undefined, type: string);
    /** Mean vocabulary score per token (AFINN: -5..5 per hit, negations flip). */
    getSentiment(words: string[]): number;
  }
  export default SentimentAnalyzer;
}
