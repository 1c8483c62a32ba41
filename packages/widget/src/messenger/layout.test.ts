import { afterEach, describe, expect, it } from 'vitest';
import { fitVisualViewport, lockScroll } from './layout.ts';

describe('lockScroll', () => {
  afterEach(() => {
    document.documentElement.removeAttribute('style');
    document.body.removeAttribute('style');
  });

  it('fixes the body where the page was scrolled, then gives back the exact style attributes and position', () => {
    document.body.setAttribute('style', 'background: red;');
    const scrolls: [number, number][] = [];
    const original = window.scrollTo;
    window.scrollTo = ((x: number, y: number) => void scrolls.push([x, y])) as typeof window.scrollTo;
    try {
      const unlock = lockScroll(document);
      expect(document.body.style.position).toBe('fixed');
      expect(document.documentElement.style.overflow).toBe('hidden');
      unlock();
      expect(document.body.getAttribute('style')).toBe('background: red;');
      expect(document.documentElement.hasAttribute('style')).toBe(false);
      expect(scrolls).toEqual([[window.scrollX, window.scrollY]]);
    } finally {
      window.scrollTo = original;
    }
  });
});

// Whether a strict Content-Security-Policy lets it through is a browser's call: the CSP page's
// journey in apps/gateway/test/browser/csp.test.ts listens for violations.
describe('lockScroll, property by property', () => {
  afterEach(() => document.body.removeAttribute('style'));

  it('gives back the page\'s own inline styles with their priorities and removes only its own', () => {
    document.body.style.setProperty('overflow', 'auto', 'important');
    document.body.style.setProperty('top', '3px');
    const unlock = lockScroll(document);
    expect(document.body.style.position).toBe('fixed');
    unlock();
    expect([document.body.style.getPropertyValue('overflow'), document.body.style.getPropertyPriority('overflow')]).toEqual(['auto', 'important']);
    expect(document.body.style.top).toBe('3px');
    expect(document.body.style.position).toBe('');
  });
});

describe('fitVisualViewport', () => {
  it('sizes the panel to the visual viewport and follows it until stopped', () => {
    const listeners = new Map<string, () => void>();
    const viewport = { height: 500, offsetTop: 0, addEventListener: (type: string, fn: () => void) => listeners.set(type, fn), removeEventListener: (type: string) => listeners.delete(type) };
    const panel = document.createElement('div');
    const stop = fitVisualViewport({ visualViewport: viewport } as unknown as Window, panel);
    expect(panel.style.getPropertyValue('--parley-vh')).toBe('500px');
    viewport.height = 320;
    viewport.offsetTop = 40;
    listeners.get('resize')!();
    expect([panel.style.getPropertyValue('--parley-vh'), panel.style.getPropertyValue('--parley-top')]).toEqual(['320px', '40px']);
    stop();
    expect(listeners.size).toBe(0);
    expect(panel.style.getPropertyValue('--parley-vh')).toBe('');
  });
});
