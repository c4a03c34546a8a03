import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../platform/money.js';
import { accountEmailContent } from './account-emails.js';
import { renderEmail } from './email-content.js';
import { isPermanentMailFailure } from './mail-transport.js';
import { isLoopbackAddress } from './notifications.routes.js';

describe('renderEmail', () => {
  const content = {
    title: 'Order 12 placed',
    summary: 'Thanks for <b>buying</b> & more',
    details: ['A second paragraph.'],
    rows: [
      ['2 × Mug "Tall"', '$10.00'],
      ['Total', '$10.00'],
    ] as const,
    action: { label: 'View the order', url: 'https://bazaar.test/orders/ord_1?x=1&y=2' },
  };

  it('writes the same message as plain text and HTML, signed with the marketplace name', () => {
    const email = renderEmail(content, 'Ada <Admin>', 'Bazaar');
    expect(email.subject).toBe('Order 12 placed');
    expect(email.text).toBe(
      [
        'Hello Ada <Admin>,',
        '',
        'Thanks for <b>buying</b> & more',
        '',
        'A second paragraph.',
        '',
        '  2 × Mug "Tall"  $10.00',
        '  Total           $10.00',
        '',
        'View the order: https://bazaar.test/orders/ord_1?x=1&y=2',
        '',
        '— Bazaar',
      ].join('\n'),
    );
    expect(email.html).toContain('<p>Hello Ada &lt;Admin&gt;,</p>');
    expect(email.html).toContain('Thanks for &lt;b&gt;buying&lt;/b&gt; &amp; more');
    expect(email.html).toContain('2 × Mug &quot;Tall&quot;');
    expect(email.html).toContain('href="https://bazaar.test/orders/ord_1?x=1&amp;y=2"');
    expect(email.html).toContain('— Bazaar');
    expect(email.html).not.toContain('<b>');
  });

  it('leaves out the table and the button when there are none', () => {
    const email = renderEmail({ title: 'T', summary: 'S' }, 'Bo', 'Market');
    expect(email.text).toBe('Hello Bo,\n\nS\n\n— Market');
    expect(email.html).not.toContain('<table');
    expect(email.html).not.toContain('<a ');
  });
});

describe('account emails', () => {
  it('put the link in the message, with how long it works', () => {
    const reset = accountEmailContent(
      {
        template: 'password_reset',
        to: 'a@x.test',
        userId: 'usr_1',
        name: 'A',
        url: 'https://b.test/reset-password?token=abc',
        validMinutes: 30,
      },
      'Bazaar',
    );
    expect(reset.action?.url).toBe('https://b.test/reset-password?token=abc');
    expect(reset.summary).toContain('30 minutes');
    const notice = accountEmailContent(
      {
        template: 'email_change_requested',
        to: 'old@x.test',
        userId: 'usr_1',
        name: 'A',
        newEmail: 'new@x.test',
      },
      'Bazaar',
    );
    expect(notice.summary).toContain('new@x.test');
    expect(notice.action).toBeUndefined();
  });
});

describe('formatMoney', () => {
  it("formats minor units in the currency's digits", () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(100_000_000_000, 'EUR')).toBe('€1,000,000,000.00');
  });
});

describe('isPermanentMailFailure', () => {
  it('is a 5xx answer to the recipient or the content only', () => {
    expect(isPermanentMailFailure({ responseCode: 550, command: 'RCPT TO' })).toBe(true);
    expect(isPermanentMailFailure({ responseCode: 552, command: 'DATA' })).toBe(true);
    expect(isPermanentMailFailure({ responseCode: 451, command: 'RCPT TO' })).toBe(false);
    expect(isPermanentMailFailure({ responseCode: 535, command: 'AUTH PLAIN' })).toBe(false);
    expect(isPermanentMailFailure({ code: 'ECONNREFUSED', command: 'CONN' })).toBe(false);
    expect(isPermanentMailFailure(undefined)).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it('knows this machine in IPv4, IPv6 and IPv4-mapped form', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '0.0.0.0', '::', 'garbage']) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });
});
