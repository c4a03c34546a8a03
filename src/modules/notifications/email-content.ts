/** What a message says, before it is written out as an email's text and HTML parts. */
export interface MessageContent {
  /** The email's subject, and the in-app notification's title. */
  title: string;
  /** One line: the in-app notification's body, and the email's first paragraph. */
  summary: string;
  /** Further paragraphs of the email. */
  details?: readonly string[];
  /** Label → value lines (items, totals), shown as a table. */
  rows?: readonly (readonly [string, string])[];
  /** The button (HTML) or link (text) to the page this is about. */
  action?: { label: string; url: string };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/**
 * Writes a message out as an email: a plain-text part and an HTML part saying the same, signed
 * with the marketplace's name. Everything that came from users (names, titles) is escaped in the HTML.
 */
export function renderEmail(
  content: MessageContent,
  recipientName: string,
  marketplaceName: string,
): RenderedEmail {
  const greeting = `Hello ${recipientName},`;
  const paragraphs = [content.summary, ...(content.details ?? [])];
  const rows = content.rows ?? [];
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  const text = [
    greeting,
    '',
    ...paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(rows.length > 0 ? [...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    `— ${marketplaceName}`,
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; color: #1f2328; max-width: 560px; margin: 0 auto; padding: 24px">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(rows.length > 0
      ? [
          '<table style="border-collapse: collapse; width: 100%">',
          ...rows.map(
            ([label, value]) =>
              `<tr><td style="padding: 4px 8px 4px 0">${escapeHtml(label)}</td><td style="padding: 4px 0; text-align: right">${escapeHtml(value)}</td></tr>`,
          ),
          '</table>',
        ]
      : []),
    ...(content.action
      ? [
          `<p><a href="${escapeHtml(content.action.url)}" style="display: inline-block; padding: 10px 16px; background: #1f6feb; color: #fff; text-decoration: none; border-radius: 6px">${escapeHtml(content.action.label)}</a></p>`,
        ]
      : []),
    `<p style="color: #57606a">— ${escapeHtml(marketplaceName)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: content.title, text, html };
}
