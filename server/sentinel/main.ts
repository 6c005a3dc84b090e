#!/usr/bin/env node
// splitbrain-sentinel: splitbrain-server in sentinel mode, as redis-sentinel is redis-server's.
process.argv.push('--sentinel');
await import('../main.js');
