// TypeScript loaded with require(), as compiler/typescript.cts does it and for the same reason (an
// ESM import scans typescript.js's 9 MB for exports first, ~0.5 s); its own copy, as emitters/ may
// not import compiler/.
import TS = require('typescript');
export = TS;
