import type { LabelledText } from '../learner/trainer.js';

/** Where model versions and corrections live (MongoDB: src/db/repositories/model-registry.ts). */
export interface ModelRegistry {
  corrections(): Promise<LabelledText[]>;
  activeVersion(): Promise<string | null>;
  modelJson(version: string): Promise<string | null>;
  /** The encoder intent heads trained with that version, if any (see parseStoredHeads). */
  headsJson(version: string): Promise<string | null>;
  saveVersion(v: {
    version: string;
    status: 'promoted' | 'rejected';
    trainedOn: { corpus: number; corrections: number };
    metrics: {
      heldOut: number;
      candidateMacroF1: number;
      activeMacroF1: number | null;
      activeVersion: string | null;
      /** What was compared: the n-gram models alone, or each with its encoder heads. */
      judgedAs?: 'n-gram' | 'n-gram + encoder';
    };
    json: string;
    headsJson?: string | null;
  }): Promise<void>;
  setActive(version: string): Promise<void>;
}
