import type { CannedResponseView } from '../views/canned-response.js';

export interface CannedResponseInput {
  shortcut: string;
  title: string;
  text: string;
  language?: string;
}

/** Saved replies (src/db/repositories/canned-response-repository.ts); shortcuts are unique. */
export interface CannedResponseStore {
  /** Sorted by shortcut; `prefix` narrows to shortcuts starting with it. */
  list(filter: { prefix?: string; limit: number }): Promise<CannedResponseView[]>;
  get(id: string): Promise<CannedResponseView | null>;
  /** null when the shortcut is taken. */
  create(input: CannedResponseInput & { createdBy: string }): Promise<CannedResponseView | null>;
  /** null when not found; 'duplicate' when the new shortcut is taken. */
  update(id: string, patch: Partial<CannedResponseInput>): Promise<CannedResponseView | 'duplicate' | null>;
  remove(id: string): Promise<boolean>;
}
