import { useEffect, useReducer, useRef } from 'preact/hooks';

/** A tiny observable state holder: components subscribe with `useStore(store, selector)`. */
export interface Store<S> {
  get(): S;
  set(update: Partial<S> | ((s: S) => Partial<S>)): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(update) {
      const patch = typeof update === 'function' ? update(state) : update;
      state = { ...state, ...patch };
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Re-renders when the selected slice changes (compared with Object.is). */
export function useStore<S extends object, T>(store: Store<S>, select: (s: S) => T): T {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const selected = select(store.get());
  const last = useRef(selected);
  last.current = selected;
  const selector = useRef(select);
  selector.current = select;
  useEffect(
    () =>
      store.subscribe(() => {
        if (!Object.is(selector.current(store.get()), last.current)) force(0);
      }),
    [store],
  );
  return selected;
}
