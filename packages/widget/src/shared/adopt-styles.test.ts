import { describe, expect, it } from 'vitest';
import { adoptStyles } from './adopt-styles.ts';

/** A shadow root whose `adoptedStyleSheets` behaves as a browser's does: observable, frozen, or missing. */
function rootWith(kind: 'observable' | 'frozen' | 'none'): ShadowRoot {
  const root = document.createElement('div').attachShadow({ mode: 'open' });
  if (kind === 'none') Object.defineProperty(root, 'adoptedStyleSheets', { get: () => undefined, set: () => {}, configurable: true });
  if (kind === 'frozen') {
    // Chrome 73–98: a FrozenArray that can only be replaced as a whole.
    let sheets: readonly CSSStyleSheet[] = Object.freeze([]);
    Object.defineProperty(root, 'adoptedStyleSheets', { get: () => sheets, set: (value: CSSStyleSheet[]) => (sheets = Object.freeze([...value])), configurable: true });
  }
  return root;
}

describe('adoptStyles', () => {
  it.each(['observable', 'frozen'] as const)('adopts a constructed sheet where the array is %s, adding no <style> a strict CSP would block', (kind) => {
    const root = rootWith(kind);
    adoptStyles(root, '.a { color: red }');
    adoptStyles(root, '.b { color: blue }');
    expect(root.adoptedStyleSheets.map((sheet) => sheet.cssRules[0]?.cssText.replace(/\s+/g, ''))).toEqual(['.a{color:red;}', '.b{color:blue;}']);
    expect(root.querySelector('style')).toBeNull();
  });

  it('falls back to a <style> element where constructed sheets cannot be adopted', () => {
    const root = rootWith('none');
    adoptStyles(root, '.a { color: red }');
    expect(root.querySelector('style')?.textContent).toBe('.a { color: red }');
  });
});
