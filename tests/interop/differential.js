// The Node side of the differential tests (tests/CookieSession.Tests/Interop/DifferentialTests.cs): one long-lived
// process reading one batch per line on stdin, {"kind": ..., "cases": [...]}, and answering one line of results.
//   stringify: each case a value in a lossless encoding (below), rebuilt here and given to JSON.stringify;
//              the answer is the UTF-8 of the JSON text, in base64.
//   decode:    each case a string (as UTF-16 code units) given to decodeURIComponent; the answer is the UTF-8 of the
//              result in base64, or null when it throws.
//   cookie:    each case a Cookie header (code units) given to cookie@0.7.2's parse (the cookie-parser and express
//              one), values not decoded; the answer is the object of names and values.
// The encoding of values: null, true, false as themselves; {"n": "<16 hex digits: the IEEE 754 bits>"}; {"s": [code
// units]}; {"a": [values]}; {"o": [[[key code units], value], ...]} in insertion order.
'use strict';
const readline = require('readline');
const cookie = require('cookie-parser/node_modules/cookie');

function text(units) { return String.fromCharCode(...units); }

function rebuild(v) {
  if (v === null || v === true || v === false) return v;
  if ('n' in v) { const b = Buffer.from(v.n, 'hex'); return b.readDoubleBE(0); }
  if ('s' in v) return text(v.s);
  if ('a' in v) return v.a.map(rebuild);
  const o = {};
  for (const [k, value] of v.o) o[text(k)] = rebuild(value);
  return o;
}

const answer = {
  stringify: c => Buffer.from(JSON.stringify(rebuild(c)), 'utf8').toString('base64'),
  decode: c => { try { return Buffer.from(decodeURIComponent(text(c)), 'utf8').toString('base64'); } catch { return null; } },
  cookie: c => cookie.parse(text(c), { decode: v => v }),
};

readline.createInterface({ input: process.stdin }).on('line', line => {
  const batch = JSON.parse(line);
  process.stdout.write(JSON.stringify(batch.cases.map(answer[batch.kind])) + '\n');
});
