/** The `/shortcut` being typed just before the caret, if any. */
export function slashAt(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([a-z0-9_-]{0,40})$/i.exec(before);
  if (!m) return null;
  return { start: caret - (m[2]?.length ?? 0) - 1, prefix: (m[2] ?? '').toLowerCase() };
}
