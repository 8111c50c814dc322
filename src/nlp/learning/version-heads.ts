import type { DomainLogger } from '../../core/ports/logger.js';
import type { ModelRegistry } from '../../core/ports/model-registry.js';
import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import { EmbeddingHead, type EmbeddingHeadJson } from '../encoder/embedding-head.js';

/** Stored heads: an array, one per encoder (versions from before there were two: one object). */
export function parseStoredHeads(json: string): EmbeddingHead[] {
  const parsed = JSON.parse(json) as EmbeddingHeadJson | EmbeddingHeadJson[];
  return (Array.isArray(parsed) ? parsed : [parsed]).map((h) => EmbeddingHead.fromJSON(h));
}

/**
 * The encoders and heads a model version is served with: for each encoder, the head stored with
 * the version when it was trained for that encoder, otherwise the shipped head (the shipped
 * model, versions trained without encoders, or heads for other encoders, which is logged).
 */
export async function headsForVersion(
  registry: ModelRegistry,
  version: string,
  shipped: EncoderEnsemble,
  log: DomainLogger,
): Promise<EncoderEnsemble> {
  const json = await registry.headsJson(version);
  if (!json) return shipped;
  const stored = parseStoredHeads(json);
  return shipped.map((member) => {
    const head = stored.find(
      (h) => h.encoder === member.encoder.name && h.dimensions === member.encoder.dimensions,
    );
    if (head) return { encoder: member.encoder, head };
    log.warn(
      { version, heads: stored.map((h) => h.encoder), encoder: member.encoder.name },
      'no stored head for this encoder; using the shipped head',
    );
    return member;
  });
}
