import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Page, Paged } from './paged-list';

afterEach(cleanup);

const pages: Record<string, Page<string>> = {
  first: { data: ['a', 'b'], next_cursor: 'c2' },
  c2: { data: ['c', 'd'], next_cursor: 'c3' },
  c3: { data: ['e'], next_cursor: null },
};

function renderList(load: (cursor: string | undefined) => Promise<Page<string>>) {
  return render(
    <Paged label="Letters" loadKey={['all']} load={load} empty={<p>Nothing here.</p>}>
      {(items) => (
        <ul>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </Paged>,
  );
}

const shown = () => screen.getAllByRole('listitem').map((item) => item.textContent);

describe('Paged', () => {
  it('walks older pages by their cursors and back again', async () => {
    const load = vi.fn((cursor: string | undefined) => Promise.resolve(pages[cursor ?? 'first']!));
    renderList(load);
    await screen.findByText('a');
    const nav = screen.getByRole('navigation', { name: 'Letters pages' });
    expect(nav).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Newer' })).toHaveProperty('disabled', true);

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await screen.findByText('c');
    expect(shown()).toEqual(['c', 'd']);
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await screen.findByText('e');
    expect(screen.getByRole('button', { name: 'Older' })).toHaveProperty('disabled', true);

    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    await screen.findByText('c');
    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    await screen.findByText('a');
    expect(shown()).toEqual(['a', 'b']);
    expect(load.mock.calls.map(([cursor]) => cursor)).toEqual([undefined, 'c2', 'c3', 'c2', undefined]);
  });

  it('steps one page on a double click of Older, so that Newer leads back to the first page', async () => {
    let answerSecond: (page: Page<string>) => void = () => {};
    const load = vi.fn((cursor: string | undefined) =>
      cursor === 'c2'
        ? new Promise<Page<string>>((resolve) => {
            answerSecond = resolve;
          })
        : Promise.resolve(pages[cursor ?? 'first']!),
    );
    const user = userEvent.setup();
    renderList(load);
    await screen.findByText('a');
    await user.dblClick(screen.getByRole('button', { name: 'Older' }));
    answerSecond(pages.c2!);
    await screen.findByText('c');
    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await screen.findByText('a');
    expect(shown()).toEqual(['a', 'b']);
  });

  it('shows the empty state and no pager when there is nothing', async () => {
    renderList(() => Promise.resolve({ data: [], next_cursor: null }));
    await screen.findByText('Nothing here.');
    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('hides the pager when everything fits on one page', async () => {
    renderList(() => Promise.resolve({ data: ['a'], next_cursor: null }));
    await screen.findByText('a');
    expect(screen.queryByRole('navigation')).toBeNull();
  });
});
