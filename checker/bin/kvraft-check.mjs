#!/usr/bin/env node
// Runs the kvraft-check CLI straight from TypeScript source (no build step): tsx's loader is
// registered in-process, then src/cli/main.ts runs with this process's arguments.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
