import { type TemplateEngine, TemplateError } from '../ports/outreach.js';

type Render = (vars: Record<string, unknown>) => string;

/** A campaign's templates, compiled once per run. */
export interface CompiledCampaign {
  subject: Render;
  text: Render;
  html?: Render;
  /** Whether the template places the unsubscribe link itself; otherwise a footer adds it. */
  textHasLink: boolean;
  htmlHasLink: boolean;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
}

/** Compiles and test-renders the templates, so a broken one is refused when saved, not when sent. */
export function compileCampaign(
  engine: TemplateEngine,
  source: { subject: string; text: string; html?: string },
): CompiledCampaign {
  const compiled: CompiledCampaign = {
    subject: engine.compile(source.subject, 'text'),
    text: engine.compile(source.text, 'text'),
    ...(source.html ? { html: engine.compile(source.html, 'html') } : {}),
    textHasLink: source.text.includes('unsubscribeUrl'),
    htmlHasLink: source.html?.includes('unsubscribeUrl') ?? false,
  };
  try {
    renderEmail(compiled, {
      campaignName: 'check',
      recipient: { email: 'check@example.com', name: 'Check Example' },
      unsubscribeUrl: 'https://example.com/unsubscribe/check',
    });
  } catch (err) {
    throw new TemplateError(err instanceof Error ? err.message : String(err));
  }
  return compiled;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Renders one email. Variables: name, firstName, email, unsubscribeUrl, campaign.name (and the
 * same under customer.*). Every email carries the unsubscribe link: appended as a footer when
 * the template does not place {{unsubscribeUrl}} itself.
 */
export function renderEmail(
  compiled: CompiledCampaign,
  input: { campaignName: string; recipient: { email: string; name?: string }; unsubscribeUrl: string },
): RenderedEmail {
  const name = input.recipient.name?.trim() ?? '';
  const customer = { name, firstName: name.split(/\s+/)[0] ?? '', email: input.recipient.email };
  const vars = {
    ...customer,
    customer,
    unsubscribeUrl: input.unsubscribeUrl,
    campaign: { name: input.campaignName },
  };
  // A subject is one header line: line breaks from a variable must not start another header.
  const subject = compiled
    .subject(vars)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  let text = compiled.text(vars);
  if (!compiled.textHasLink) text += `\n\n--\nUnsubscribe: ${input.unsubscribeUrl}\n`;
  let html = compiled.html?.(vars);
  if (html !== undefined && !compiled.htmlHasLink) {
    const footer = `<p style="font-size:12px;color:#666">You receive this email because you agreed to hear from us. <a href="${escapeHtml(input.unsubscribeUrl)}">Unsubscribe</a></p>`;
    html = html.includes('</body>') ? html.replace('</body>', `${footer}</body>`) : html + footer;
  }
  return { subject, text, ...(html !== undefined ? { html } : {}) };
}
