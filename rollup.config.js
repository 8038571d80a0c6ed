// Bundles the Action (action/dist/index.js) and the CLI (action/dist/cli.js) as ESM with every
// dependency inlined, so the Actions runner and `npx pipemedic` need no node_modules.
import commonjs from "@rollup/plugin-commonjs";
import json from "@rollup/plugin-json";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import typescript from "@rollup/plugin-typescript";

const shared = {
  plugins: [typescript({ tsconfig: "./tsconfig.build.json" }), nodeResolve({ preferBuiltins: true, exportConditions: ["node"] }), commonjs(), json()],
  onwarn(warning, warn) {
    // Dependencies' own circular imports, `this` rewrites and misplaced pure annotations are theirs
    // to fix and harmless here. gray-matter's eval sits in its JavaScript engine, which we never
    // enable (memory/frontmatter.ts allows YAML only).
    if (["CIRCULAR_DEPENDENCY", "THIS_IS_UNDEFINED", "INVALID_ANNOTATION"].includes(warning.code)) return;
    if (warning.code === "EVAL" && warning.id?.includes("gray-matter")) return;
    warn(warning);
  },
};

export default [
  { ...shared, input: "action/src/main.ts", output: { file: "action/dist/index.js", format: "es", inlineDynamicImports: true } },
  {
    ...shared,
    input: "action/src/cli.ts",
    output: { file: "action/dist/cli.js", format: "es", inlineDynamicImports: true, banner: "#!/usr/bin/env node" },
  },
];
