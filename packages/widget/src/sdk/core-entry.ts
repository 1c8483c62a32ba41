// `<base>/widget/sdk.js`: the SDK behind the front, which the script tag's loader imports on first need.
export { createSdk } from './parley.ts';
