#!/usr/bin/env node
// The `bazaar` command: runs the TypeScript entry point through tsx, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
