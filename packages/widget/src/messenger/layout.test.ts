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
