// A reproducible npm tarball: the layout `npm pack` writes (every file under `package/`), as ustar
// + gzip written here so that the same files give the same bytes anywhere: entries sorted, fixed
// mtime (npm's own 1985-10-26T08:15:00Z), fixed modes and owners, gzip header without a time and
// with a fixed OS byte.
import { gzipSync } from 'node:zlib';

export interface TarEntry { path: string; contents: string | Uint8Array }

const MTIME = 499162500; // 1985-10-26T08:15:00Z, what npm pack uses
const BLOCK = 512;

export function tarGz(entries: TarEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const blocks: Buffer[] = [];
  for (const entry of sorted) {
    const data = typeof entry.contents === 'string' ? Buffer.from(entry.contents, 'utf8') : Buffer.from(entry.contents);
    blocks.push(header(`package/${entry.path}`, data.length));
    blocks.push(data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(BLOCK * 2)); // end of archive
  const gz = gzipSync(Buffer.concat(blocks), { level: 9 });
  gz[4] = gz[5] = gz[6] = gz[7] = 0; // no modification time
  gz[9] = 255; // OS "unknown": the same bytes on every platform
  return new Uint8Array(gz);
}

function header(path: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii'); // mode
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write(`${MTIME.toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum placeholder: spaces while summing
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}
