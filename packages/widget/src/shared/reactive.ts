import { effect } from '@preact/signals-core';
import { Component, type ComponentChildren, type VNode } from 'preact';

/** The Preact component instance a function component runs on (`this` inside it). */
type Instance = Component & { stopReading?: () => void };

/**
 * Binds a component to the signals it reads: it renders again when one of the signals whose
 * `.value` it read in its last render changes. The whole bridge between `@preact/signals-core`
 * and Preact the widget needs (models hold signals, views read `.value`), in a few lines instead
 * of `@preact/signals`, and without the hooks module: Preact runs a function component with its
 * component instance as `this`, which can render again (`forceUpdate`) and hears its unmount
 * (`componentWillUnmount`). Reads inside child components are theirs: wrap each that reads.
 *
 * @example
 * const count = signal(0);
 * const Counter = reactive(() => <button onClick={() => count.value++}>{count.value}</button>);
 */
export function reactive<P>(component: (props: P) => ComponentChildren): (props: P) => VNode | null {
  return function (this: Instance, props: P) {
    this.stopReading?.();
    let output: ComponentChildren;
    let rendering = true;
    // The effect runs the component once, recording what it reads; a later change asks Preact to
    // render again (which records afresh) instead of running it outside a render.
    this.stopReading = effect(() => {
      if (rendering) output = component(props);
      else this.forceUpdate();
      rendering = false;
    });
    this.componentWillUnmount = () => this.stopReading?.();
    return output as VNode | null;
  };
}

/** Props of `AfterRender`. */
export interface AfterRenderProps {
  /** Runs after the render that mounted it and after each render in which `deps` changed; may return a cleanup. */
  run(): void | (() => void);
  /** What `run` depends on, compared item by item. */
  deps: unknown[];
}

/**
 * Runs work after Preact has put a render on the page (focus, scroll, measuring), as
 * `useLayoutEffect` does, for views that should not need the hooks module. Renders nothing: put
 * it after the elements it works on. Its cleanup runs before the next run and on unmount.
 *
 * @example
 * const box = createRef<HTMLTextAreaElement>();
 * return <>
 *   <textarea ref={box} />
 *   <AfterRender deps={[focused]} run={() => void (focused && box.current?.focus())} />
 * </>;
 */
export class AfterRender extends Component<AfterRenderProps> {
  // Declared only: a class field would bring the compiler's field helpers into the bundle.
  declare private cleanup: void | (() => void);

  override componentDidMount(): void {
    this.cleanup = this.props.run();
  }

  override componentDidUpdate(previous: AfterRenderProps): void {
    if (previous.deps.length === this.props.deps.length && previous.deps.every((dep, i) => Object.is(dep, this.props.deps[i]))) return;
    this.cleanup?.();
    this.cleanup = this.props.run();
  }

  override componentWillUnmount(): void {
    this.cleanup?.();
  }

  override render(): null {
    return null;
  }
}
