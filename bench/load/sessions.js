'use strict';
// The many distinct sessions of bench/load/run.sh for the Node formats, signed by the real Node packages of
// tests/interop: Connect's by cookie-signature (as connect@2.x's cookieSession writes them), Express's by keygrip (as
// cookie-session@2 does). One Cookie header a line; user N's session is the one the .NET load server's
// /cs/seed?user=N writes (about 200 bytes of JSON).
//   node sessions.js <connect|express> <count> <secret>
const path = require('path');
const modules = path.join(__dirname, '..', '..', 'tests', 'interop', 'node_modules');
const signature = require(path.join(modules, 'cookie-signature'));
const Keygrip = require(path.join(modules, 'keygrip'));

const [format, count, secret] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const keys = new Keygrip([secret]);
const hex = (n, width) => n.toString(16).padStart(width, '0');
const lines = [];
for (let user = 0; user < count; user++) {
  const session = {
    userId: '7f1c2a9e-4b3d-4c8e-9a61-' + hex(user, 12),
    name: 'Ada Lovelace',
    roles: ['admin', 'editor', 'viewer'],
    counter: user % 1000,
    csrf: 'kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6o' + hex(user, 8),
  };
  const json = JSON.stringify(session);
  if (format === 'connect') {
    lines.push('connect.sess=' + encodeURIComponent('s:' + signature.sign('j:' + json, secret)));
  } else if (format === 'express') {
    const value = Buffer.from(json).toString('base64');
    lines.push('session=' + value + '; session.sig=' + keys.sign('session=' + value));
  } else {
    throw new Error('unknown format ' + format);
  }
}
process.stdout.write(lines.join('\n') + '\n');
