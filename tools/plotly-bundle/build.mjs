// Builds ../../static/vendor/plotly/plotly.min.js: plotly.js core plus only the trace types listed in traces.json.
// The banner names the version and the traces; tests/test_page_weight.py reads it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const require = createRequire(import.meta.url);
const version = require("plotly.js/package.json").version;
const traces = JSON.parse(readFileSync(new URL("traces.json", import.meta.url), "utf8")).sort();
const outfile = new URL("../../static/vendor/plotly/plotly.min.js", import.meta.url);

const entry = [
  "'use strict';",
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.map((name) => `require('plotly.js/lib/${name}')`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

await esbuild.build({
  stdin: { contents: entry, resolveDir: here, sourcefile: "plotly-custom.js" },
  outfile: fileURLToPath(outfile),
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "Plotly",
  target: "es2016",
  // As plotly.js's own esbuild configuration does.
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  alias: { stream: "stream-browserify" },
  // The only stylesheet imported is maplibre's, for map traces we do not include.
  loader: { ".css": "empty" },
  legalComments: "none",
  banner: { js: `/* plotly.js v${version} (MIT, Plotly, Inc.), custom bundle; traces: ${traces.join(", ")} */` },
  logLevel: "info",
});
