/**
 * Slack's message text is mrkdwn: `&`, `<` and `>` are escaped, and `<…>` holds links and mentions.
 * https://docs.slack.dev/messaging/formatting-message-text
 */

/** Text to post: escaped, so a customer's `<!channel>` or `<@U…>` is shown, never acted on. */
export function toSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text Slack sent, as a customer would read it: links and mentions shown plainly, entities decoded. */
export function fromSlackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<[@#!]([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([@#][A-Z0-9]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Quotes each line (mrkdwn `>`), for a customer's words inside a staff post. */
export function quote(text: string): string {
  return toSlackText(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}
