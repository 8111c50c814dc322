import Handlebars from 'handlebars';
import { type TemplateEngine, TemplateError } from '../core/ports/outreach.js';

/**
 * Campaign templates in Handlebars. In HTML mode every {{value}} is HTML-escaped, so a customer's
 * name cannot inject markup (staff who write the template may still use {{{…}}} on purpose); in
 * text mode nothing is escaped. Only the built-in helpers (if, unless, each, with, lookup) are
 * allowed, and prototype properties are never reachable (Handlebars' default since 4.6).
 */
export function handlebarsTemplates(): TemplateEngine {
  const env = Handlebars.create();
  return {
    compile(source, mode) {
      try {
        // Parsing now reports a syntax error when the campaign is saved, not when it is sent.
        env.parse(source);
      } catch (err) {
        throw new TemplateError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
      }
      const template = env.compile(source, {
        noEscape: mode === 'text',
        knownHelpersOnly: true,
        strict: false,
      });
      return (vars) => template(vars);
    },
  };
}
