// `<base>/widget/sdk.js`: the SDK's core, which the script tag's loader imports on first need.
export { createCore } from './core.ts';
