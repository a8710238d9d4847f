// `npm run lint` (also a step of `npm test`): ESLint's and typescript-eslint's recommended rules
// over every TypeScript and JavaScript source. Unused code is an error; `_`-prefixed names are
// the one way to keep an unused parameter or binding on purpose.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'bench/out/**', 'test-results/**', 'test/fixtures/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Plain CommonJS: the bin loads the bundled CLI with require().
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests walk untyped JSON (package.json, snippets) where `any` is the honest type.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['webview/**', 'test/webview/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
