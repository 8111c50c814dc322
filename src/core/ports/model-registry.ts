/** A labelled example a staff correction gives the next model. */
export interface CorrectionExample {
  text: string;
  label: string;
}

/**
 * Where intent-model versions and corrections live (MongoDB: src/db/repositories/model-registry.ts).
 * The retraining job and every process's model activator read and write through it.
 */
export interface ModelRegistry {
  corrections(): Promise<CorrectionExample[]>;
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

/** A stored version as staff see it (the model itself is left out). */
export interface ModelVersionSummary {
  version: string;
  status: 'promoted' | 'rejected';
  trainedOn: { corpus: number; corrections: number };
  metrics: Record<string, unknown>;
  createdAt: string;
}

/** Reading the versions for the console and the API. */
export interface ModelVersionLog {
  list(limit: number): Promise<ModelVersionSummary[]>;
}
