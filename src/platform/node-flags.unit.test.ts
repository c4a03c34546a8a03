import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';

const root = new URL('../../', import.meta.url);
const flags = SERVER_NODE_FLAGS.join(' ');

describe('SERVER_NODE_FLAGS', () => {
  it('are what npm start and npm run bazaar start node with', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    expect(scripts.start).toBe(`node ${flags} --import tsx src/main.ts start`);
    expect(scripts.bazaar).toBe(`node ${flags} --import tsx src/main.ts`);
  });

  it('are on the bazaar command’s shebang line', () => {
    const [shebang] = readFileSync(new URL('bin/bazaar.js', root), 'utf8').split('\n');
    expect(shebang).toBe(`#!/usr/bin/env -S node ${flags}`);
  });

  it('are options this node accepts', () => {
    expect(() =>
      execFileSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', ''], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
