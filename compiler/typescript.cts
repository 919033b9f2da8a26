// TypeScript, loaded with require(): Node's ESM `import` of a CommonJS package first scans its whole
// text for named exports (cjs-module-lexer: ~0.5 s for typescript.js's 9 MB on every gati command),
// a require() does not. This file is CommonJS (.cts), and its `module.exports = TS` names no
// `require` call the scan would follow. Import it as `import ts from '…/typescript.cjs'`: the same
// namespace, types and values, as `import ts from 'typescript'`.
import TS = require('typescript');
export = TS;
