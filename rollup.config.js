// Bundles the Action (action/dist/index.js) and the CLI (action/dist/cli.js) as ESM with every
// dependency inlined, so the Actions runner and `npx pipemedic` need no node_modules.
import commonjs from "@rollup/plugin-commonjs";
import json from "@rollup/plugin-json";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import typescript from "@rollup/plugin-typescript";

const shared = {
  plugins: [
    typescript({ tsconfig: "./tsconfig.build.json" }),
    nodeResolve({ preferBuiltins: true, exportConditions: ["node"] }),
    commonjs(),
    json(),
  ],
  onwarn(warning, warn) {
    // Dependencies' own circular imports and `this` rewrites are theirs to fix and harmless here.
    if (warning.code === "CIRCULAR_DEPENDENCY" || warning.code === "THIS_IS_UNDEFINED") return;
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
