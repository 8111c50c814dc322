import { invalid } from '../errors.js';

/**
 * Variables a canned response may use. `{{name}}` or `{{name | "fallback"}}` (the fallback when
 * the value is unknown); `\{{` writes a literal `{{`.
 */
export const TEMPLATE_VARIABLES = [
  'customer.name',
  'customer.firstName',
  'customer.email',
  'agent.name',
  'agent.firstName',
  'ticket.number',
  'ticket.subject',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const TOKEN = /\\\{\{|\{\{\s*([A-Za-z.]+)\s*(?:\|\s*"([^"{}]*)"\s*)?\}\}/g;
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

/** Refuses a template naming an unknown variable (a typo would otherwise vanish silently). */
export function checkTemplate(text: string): void {
  for (const m of text.matchAll(TOKEN)) {
    if (m[0] === '\\{{') continue;
    const name = m[1] ?? '';
    if (!KNOWN.has(name)) {
      throw invalid(
        `unknown variable {{${name}}}; use one of ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
      );
    }
  }
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{')) throw invalid('a "{{" that starts no variable; write \\{{ for a literal one');
}

/**
 * Fills in the variables in one pass. Values are inserted as they are and never read as
 * template text, so a customer named "{{agent.email}}" stays just that; control characters in
 * values are dropped. The result is plain text (channels escape it for their own markup).
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(TOKEN, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '\\{{') return '{{';
    const value = name && KNOWN.has(name) ? values[name as TemplateVariable] : undefined;
    const chosen = value?.trim() ? value : (fallback ?? '');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    return chosen.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  });
}

export const firstNameOf = (name: string | undefined): string | undefined => name?.trim().split(/\s+/)[0];
