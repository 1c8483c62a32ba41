import { signal } from '@preact/signals-core';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { reactive } from './reactive.ts';

describe('reactive', () => {
  const container = document.createElement('div');
  afterEach(() => render(null, container));

  it('renders again when a signal it read changes, and not for one it did not read', async () => {
    const shown = signal('a');
    const other = signal(0);
    let renders = 0;
    const View = reactive(({ prefix }: { prefix: string }) => {
      renders++;
      return <p>{prefix + shown.value}</p>;
    });
    await act(() => render(<View prefix=">" />, container));
    expect(container.textContent).toBe('>a');
    await act(() => void (shown.value = 'b'));
    expect(container.textContent).toBe('>b');
    await act(() => void (other.value = 1));
    expect(renders).toBe(2);
  });

  it('follows the signals of its latest render, also after a render of its own state', async () => {
    const first = signal('x');
    const second = signal('y');
    let pick: (which: number) => void = () => {};
    const View = reactive(() => {
      const [which, setWhich] = useState(1);
      pick = setWhich;
      return <p>{which === 1 ? first.value : second.value}</p>;
    });
    await act(() => render(<View />, container));
    await act(() => pick(2));
    expect(container.textContent).toBe('y');
    await act(() => void (second.value = 'z'));
    expect(container.textContent).toBe('z');
  });

  it('stops listening once it is unmounted', async () => {
    const shown = signal(1);
    let renders = 0;
    const View = reactive(() => {
      renders++;
      return <p>{shown.value}</p>;
    });
    await act(() => render(<View />, container));
    await act(() => render(null, container));
    await act(() => void (shown.value = 2));
    expect(renders).toBe(1);
  });
});
