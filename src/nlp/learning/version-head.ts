import type { DomainLogger } from '../../core/ports/logger.js';
import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import { EmbeddingHead, type EmbeddingHeadJson } from '../encoder/embedding-head.js';
import type { ModelRegistry } from './model-registry.js';

/**
 * The encoder head a model version is served with: the one stored with it when it was trained
 * for this encoder, otherwise the shipped head (the shipped model, versions trained without the
 * encoder, or a head for another encoder, which is logged).
 */
export async function headForVersion(
  registry: ModelRegistry,
  version: string,
  shipped: EncoderEnsemble,
  log: DomainLogger,
): Promise<EmbeddingHead> {
  const json = await registry.headJson(version);
  if (!json) return shipped.head;
  const head = EmbeddingHead.fromJSON(JSON.parse(json) as EmbeddingHeadJson);
  if (head.encoder !== shipped.encoder.name) {
    log.warn(
      { version, head: head.encoder, encoder: shipped.encoder.name },
      'stored head is for another encoder; using the shipped head',
    );
    return shipped.head;
  }
  return head;
}
