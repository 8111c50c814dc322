import type { LabelledText } from '../trainer.js';

/** Where model versions and corrections live (MongoDB: src/db/repositories/model-registry.ts). */
export interface ModelRegistry {
  corrections(): Promise<LabelledText[]>;
  activeVersion(): Promise<string | null>;
  modelJson(version: string): Promise<string | null>;
  saveVersion(v: {
    version: string;
    status: 'promoted' | 'rejected';
    trainedOn: { corpus: number; corrections: number };
    metrics: {
      heldOut: number;
      candidateMacroF1: number;
      activeMacroF1: number | null;
      activeVersion: string | null;
    };
    json: string;
  }): Promise<void>;
  setActive(version: string): Promise<void>;
}
