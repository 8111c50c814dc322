import { invalid } from '../errors.js';

/**
 * Opaque page cursors: the last item's sort value and id, base64url JSON, tied to the sort they
 * were made for. A cursor from another sort, or one edited by hand, is a 400.
 */
export function encodeCursor(sort: string, value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): { value: string | number; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is not one this API gave out');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== sort ||
    (typeof parsed[1] !== 'string' && typeof parsed[1] !== 'number') ||
    typeof parsed[2] !== 'string' ||
    !/^[0-9a-f]{24}$/.test(parsed[2]) ||
    (typeof parsed[1] === 'string' && parsed[1].length > 200)
  ) {
    throw invalid('cursor is not one this API gave out for this sort');
  }
  return { value: parsed[1], id: parsed[2] };
}
