#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30
// The `bazaar` command: runs the TypeScript entry point through tsx, with no build step, with the
// server's V8 heap settings on the shebang line (src/platform/node-flags.ts).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
