// ESLint flat config: recommended JS, TypeScript and Vue rules; formatting is Prettier's job.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---- Boundaries between the three apps (docs/frontend.md). Each app imports only itself and the
// common layers (src/api, src/shared, src/composables, src/stores, src/i18n); the common layers
// import no app; a page or component calls the domain module of src/api/, not the raw client.
const APPS = ['console', 'group', 'portal'];
const COMMON = ['shared', 'api', 'composables', 'stores', 'i18n'];

/** `@/group/…` (and a relative `../group/…` climbing out of an app) for each app named. */
function appPatterns(apps, owner) {
  return apps.map((app) => ({
    regex: `^(@/|(\\.\\./)+)${app}(/|$)`,
    message: `${owner} may not import the ${app} app: move what both need to src/shared/ (docs/frontend.md).`,
  }));
}

const RAW_CLIENT = {
  name: '@/api/client',
  importNames: ['api'],
  message: 'Use the domain module in src/api/ (e.g. listMembers from @/api/members); see docs/frontend.md.',
};

const boundaries = [
  ...APPS.flatMap((app) => {
    const others = APPS.filter((other) => other !== app);
    const patterns = appPatterns(others, `src/${app}`);
    return [
      {
        files: [`src/${app}/**/*.{ts,vue}`],
        rules: { 'no-restricted-imports': ['error', { patterns }] },
      },
      {
        files: [`src/${app}/**/*.vue`],
        rules: { 'no-restricted-imports': ['error', { paths: [RAW_CLIENT], patterns }] },
      },
    ];
  }),
  ...COMMON.map((layer) => ({
    files: [`src/${layer}/**/*.{ts,vue}`],
    rules: { 'no-restricted-imports': ['error', { patterns: appPatterns(APPS, `src/${layer}`) }] },
  })),
  {
    files: ['src/shared/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { paths: [RAW_CLIENT], patterns: appPatterns(APPS, 'src/shared') }],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/api/schema.d.ts', 'src/components.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/**/*.{ts,vue}', 'tests/unit/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-console': ['warn', { allow: ['warn', 'error'] }] },
  },
  {
    files: ['*.{js,ts}', 'build/**/*.ts', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['pwa/sw.js'],
    languageOptions: { globals: globals.serviceworker },
  },
  {
    rules: {
      'vue/multi-word-component-names': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  ...boundaries,
  prettier,
);
