import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuditEvent, AuditTrail } from './audit-trail';

afterEach(cleanup);

const event = (fields: Partial<AuditEvent>): AuditEvent => ({
  id: 'aud_1',
  actor: { id: 'usr_1', name: 'Dee' },
  action: 'shop.suspended',
  target_type: 'shop',
  target_id: 'shop_1',
  changes: {},
  request_id: 'req-1',
  ip: '127.0.0.1',
  api_key_id: null,
  created_at: '2026-12-06T10:00:00Z',
  ...fields,
});

describe('the audit trail', () => {
  it('names the API key a change was made through, beside its owner', async () => {
    const events = [
      event({ id: 'aud_1', api_key_id: 'apk_1' }),
      event({ id: 'aud_2', action: 'shop.updated' }),
    ];
    render(
      <MemoryRouter>
        <AuditTrail withActor load={async () => ({ data: events, next_cursor: null })} />
      </MemoryRouter>,
    );
    const rows = await screen.findAllByRole('row');
    expect(rows[1]!.textContent).toContain('through API key apk_1');
    expect(rows[2]!.textContent).not.toContain('API key');
  });
});
