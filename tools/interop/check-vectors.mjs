// Rebuilds every packet of docs/test-vectors/protocol-v1.json from its inputs with tweetnacl-js,
// following docs/PROTOCOL.md alone: an independent check that the spec and the Java code agree.
// Run: tools/interop/run.sh (installs tweetnacl 1.0.3 from the npm registry into a temporary folder).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.env.TWEETNACL_DIR + '/');
const nacl = require('tweetnacl');

const file = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b) => Buffer.from(b).toString('hex');
const ascii = (s) => Uint8Array.from(Buffer.from(s, 'ascii'));
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return Uint8Array.from(b); };
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return Uint8Array.from(b); };
const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return Uint8Array.from(b); };
const header = (type) => Uint8Array.of(0x00, 0x72, 0x01, type);

// The message inside a box: flags, sack count, data length, window, sequence, ack, timestamp, echo, ack delay.
const message = (flags, seq, ack, ts, echo, text) => {
  const data = Buffer.from(text, 'utf8');
  return cat(Uint8Array.of(flags, 0), u16(data.length), u32(1 << 20), u64(seq), u64(ack), u32(ts), u32(echo),
    u32(echo === 0 ? 0 : 250), data);
};
const RELIABLE = 0x01, MESSAGE_END = 0x02, FIN = 0x04;

const inp = file.inputs;
const s = hex(inp.server_long_term_secret);
const c1 = hex(inp.client_connection_secret);
const s1 = hex(inp.server_connection_secret);
const S = nacl.scalarMult.base(s);
const C1 = nacl.scalarMult.base(c1);
const S1 = nacl.scalarMult.base(s1);
const m = hex(inp.minute_key);
const suffix = hex(inp.cookie_box_nonce_suffix);
const counter = Number(inp.cookie_counter);

const packets = {};
packets.hello = cat(header(1), C1, new Uint8Array(224 - 36));

const cookieNonce = cat(ascii('rtunnel minute k'), u64(counter));
const cookie = cat(u64(counter), nacl.secretbox(cat(C1, s1), cookieNonce, m));
const cookieBoxNonce = cat(ascii('rtunnelC'), suffix);
packets.cookie = cat(header(2), C1, S, suffix, nacl.secretbox(cat(S1, cookie), cookieBoxNonce, nacl.box.before(C1, s)));

const k = nacl.box.before(S1, c1);
const clientNonce = (n) => cat(ascii('rtunnel client->'), u64(n));
const serverNonce = (n) => cat(ascii('rtunnel server->'), u64(n));
packets.init = cat(header(3), C1, cookie, u64(0),
  nacl.secretbox(message(RELIABLE | MESSAGE_END, 0, 0, 1000000, 0, 'hello, server'), clientNonce(0), k));
packets.data_server_to_client = cat(header(4), C1, u64(0),
  nacl.secretbox(message(RELIABLE | MESSAGE_END, 0, 1, 2000500, 1000000, 'hello, client'), serverNonce(0), k));
packets.data_client_to_server_fin = cat(header(4), C1, u64(1),
  nacl.secretbox(message(RELIABLE | FIN, 1, 1, 1041000, 2000500, ''), clientNonce(1), k));

let failed = 0;
for (const [name, bytes] of Object.entries(packets)) {
  const ok = toHex(bytes) === file.packets[name];
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${bytes.length} bytes)`);
}
console.log(`tweetnacl-js rebuilt ${Object.keys(packets).length - failed} of ${Object.keys(packets).length} packets byte for byte`);
process.exit(failed === 0 ? 0 : 1);
