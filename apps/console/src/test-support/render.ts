import { act } from 'preact/test-utils';
import { render as preactRender, type ComponentChild } from 'preact';

/** Renders into a fresh container attached to the document; `unmount` removes it. */
export async function render(ui: ComponentChild): Promise<{ container: HTMLElement; unmount: () => void }> {
  const container = document.createElement('div');
  document.body.append(container);
  await act(() => {
    preactRender(ui, container);
  });
  return {
    container,
    unmount: () => {
      preactRender(null, container);
      container.remove();
    },
  };
}

/** Runs an action and waits for the re-render and pending promises it causes. */
export async function settle(action: () => unknown = () => {}): Promise<void> {
  await act(async () => {
    await action();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}
