// Preloaded into a proxy by scripts/bench-new-connections.sh (`node --import`): records when the
// server accepts each client connection (its 'connection' event), relative to the first one after
// SIGUSR1, and writes them as JSON to ACCEPT_PROBE_OUT on SIGUSR2. Measurement only; not product code.
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const out = process.env['ACCEPT_PROBE_OUT'] ?? '/tmp/accept-probe.json';
let armed = false;
let first = 0;
const accepted = [];
process.on('SIGUSR1', () => {
  armed = true;
  first = 0;
  accepted.length = 0;
});
process.on('SIGUSR2', () => writeFileSync(out, JSON.stringify(accepted)));
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (name, ...args) {
  if (name === 'connection' && armed) {
    const now = performance.now();
    if (accepted.length === 0) first = now;
    accepted.push(Math.round((now - first) * 10) / 10);
  }
  return emit.call(this, name, ...args);
};
