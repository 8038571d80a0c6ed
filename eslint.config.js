// Lint: typescript-eslint's type-aware rules for what a compiler lets through and a reviewer
// misses: promises nobody awaits or handles, `any` leaking through, awaiting what is not a promise.
// Style is prettier's business (npm run format), not the linter's.
//
// Every .ts file is in tsconfig.json (the scenario generator in action/scenarios/_tools too), so
// every rule runs with type information. A line where a rule is wrong says so in place:
// `// eslint-disable-next-line <rule> -- <why>`; no rule is switched off for the project. Tests
// switch off one: their doubles of async ports (stores, fetchers, Octokit hooks) answer at once.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "action/dist/**",
      "node_modules/**",
      "coverage/**",
      "incidents/**",
      // scenario data (recorded telemetry, alerts, repo snapshots); the generator in _tools is code
      "action/scenarios/*",
      "!action/scenarios/_tools/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unsafe-assignment": "error",
      "@typescript-eslint/no-unsafe-member-access": "error",
      "@typescript-eslint/no-unsafe-call": "error",
      "@typescript-eslint/no-unsafe-return": "error",
      "@typescript-eslint/no-unsafe-argument": "error",
      "@typescript-eslint/no-explicit-any": "error",
      // Forwarding a rejection or an AbortSignal's reason as it came (typed any or unknown) is a rethrow, which
      // only-throw-error allows by default; rejecting with a string or an object of our own making is still reported.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      // `_` marks what a destructuring leaves out on purpose, and so does a rest sibling (`const { dir, ...repo } = made`)
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  { files: ["action/test/**/*.ts"], rules: { "@typescript-eslint/require-await": "off" } },
  // The .js configs (eslint, rollup) are not in the TypeScript program (no allowJs): lint them without type information.
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
