// Bundles the sandbox page's terminal (xterm.js) and editor (CodeMirror 6 + YAML)
// into single files under static/vendor/, committed so Python-only CI needs no npm.
// Run: npm ci && npm run build
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "../static/vendor";
mkdirSync(`${out}/xterm-6.0.0`, { recursive: true });
mkdirSync(`${out}/codemirror-6`, { recursive: true });

await build({
  entryPoints: ["src/xterm-entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  legalComments: "eof",
  outfile: `${out}/xterm-6.0.0/xterm.js`,
});
copyFileSync("node_modules/@xterm/xterm/css/xterm.css", `${out}/xterm-6.0.0/xterm.css`);

await build({
  entryPoints: ["src/codemirror-entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  legalComments: "eof",
  outfile: `${out}/codemirror-6/codemirror.js`,
});
console.log("built static/vendor/xterm-6.0.0 and static/vendor/codemirror-6");
