// Minifies the JavaScript of a built bundle in place and keeps index.html's
// Subresource Integrity hashes true: `node xtask/minify-js.mjs DIST TOOLS`,
// where TOOLS is the npm prefix holding terser (`.tools`).
//
// Trunk's own minifier cannot parse wasm-bindgen's glue, so `cargo xtask
// build` runs this after `trunk build`. Export names, property names and the
// import object's keys stay as they are (only local names are shortened), so
// the glue and the wasm still fit together. File names keep Trunk's hash of
// the unminified file: still unique per build, only no longer that file's hash.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve, sep } from "node:path";

const [dist, tools] = process.argv.slice(2);
if (!dist || !tools) {
  console.error("usage: node xtask/minify-js.mjs DIST TOOLS");
  process.exit(2);
}
const { minify } = createRequire(resolve(tools, "package.json"))("terser");

const integrity = (bytes) =>
  "sha384-" + createHash("sha384").update(bytes).digest("base64");

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith(".js") ? [path] : [];
  });
}

const indexPath = join(dist, "index.html");
let index = readFileSync(indexPath, "utf8");
for (const path of jsFiles(dist)) {
  const before = readFileSync(path);
  const result = await minify(before.toString("utf8"), {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  if (typeof result.code !== "string") {
    throw new Error(`terser gave no output for ${path}`);
  }
  const after = Buffer.from(result.code, "utf8");
  writeFileSync(path, after);
  const old = integrity(before);
  if (index.includes(old)) {
    index = index.split(old).join(integrity(after));
  }
  const name = relative(dist, path).split(sep).join("/");
  console.log(`  ${name}: ${before.length} -> ${after.length} bytes`);
}
writeFileSync(indexPath, index);
