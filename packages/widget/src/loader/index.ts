// The loader behind `<script src=".../widget.js">`: plain TypeScript, built as one small IIFE.
import type { MessengerModule } from '../shared/messenger-contract.ts';
import { installParley } from './install.ts';

installParley({
  window,
  script: document.currentScript,
  importMessenger: (url) => import(/* @vite-ignore */ url) as Promise<MessengerModule>,
});
