import { readFileSync } from 'node:fs';
import type { LabelledText } from '../../src/nlp/index.js';

/**
 * Readers for the shared benchmark formats (../shared/datasets). Used by the benchmark and the
 * eval CLI only: the product never reads these files.
 */
export type DatasetFormat = 'complaints' | 'banking77' | 'clinc150';

export interface DomainText extends LabelledText {
  domain: string;
  /** The row's id column ('' when the file has none). */
  id: string;
}

export const OOS_LABEL = 'oos';
export const COMPLAINT = 'complaint';
export const NOT_COMPLAINT = 'not_complaint';

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** CSV rows as objects keyed by the header line. */
export function readCsvRecords(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
}

/** complaints-en / reviews-zh: text, complaint (1/0), domain. */
export function readComplaints(file: string): DomainText[] {
  return readCsvRecords(file).map((r) => ({
    text: r.text ?? '',
    label: r.complaint === '1' ? COMPLAINT : NOT_COMPLAINT,
    domain: r.domain ?? '',
    id: r.id ?? '',
  }));
}

/** banking77: text, category. */
export function readBanking77(file: string): LabelledText[] {
  return readCsvRecords(file).map((r) => ({ text: r.text ?? '', label: r.category ?? '' }));
}

type ClincPairs = [string, string][];

/** clinc150 JSON: the in-scope and out-of-scope lists of one part ("train" or "val"...). */
export function readClinc(file: string, part: 'train' | 'val' | 'test'): LabelledText[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ClincPairs | undefined>;
  const inScope = json[part] ?? [];
  const oos = json[`oos_${part}`] ?? [];
  return [
    ...inScope.map(([text, label]) => ({ text, label })),
    ...oos.map(([text]) => ({ text, label: OOS_LABEL })),
  ];
}

/** Training and evaluation examples of one format (clinc150: train+oos_train / val+oos_val). */
export function readForFormat(format: DatasetFormat, file: string, role: 'train' | 'eval'): LabelledText[] {
  switch (format) {
    case 'complaints':
      return readComplaints(file);
    case 'banking77':
      return readBanking77(file);
    case 'clinc150':
      return readClinc(file, role === 'train' ? 'train' : 'val');
  }
}
