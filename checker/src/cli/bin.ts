#!/usr/bin/env node
// The `kvraft-check` executable: compiled JavaScript run by plain node; the exit code is the
// verdict (0 ok, 1 illegal, 2 unknown or empty, 3 unreadable input, 4 bad usage).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
