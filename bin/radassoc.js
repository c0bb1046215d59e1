#!/usr/bin/env node
// The radassoc command: the compiled CLI in dist/ (npm run build makes it).
import { main } from '../dist/admin/cli.js';

await main();
