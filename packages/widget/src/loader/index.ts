// The loader behind `<script src=".../widget.js">`: plain TypeScript, built as one small IIFE.
import { installParley } from './install.ts';

installParley({
  window,
  script: document.currentScript,
  importModule: (url) => import(/* @vite-ignore */ url),
});
