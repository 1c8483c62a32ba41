import { MessageSendSchema, ServerFrameSchema } from '@parley/protocol';
import type { FrameChecks } from './checks.ts';

/**
 * The part of the Standard Schema interface (`~standard`) that every valibot schema implements.
 * Validating through it lets this package use the protocol's schemas without depending on valibot.
 */
export interface StandardSchema<T> {
  readonly '~standard': {
    readonly validate: (
      value: unknown,
    ) => { readonly value: T; readonly issues?: undefined } | { readonly issues: ReadonlyArray<{ readonly message: string }> } | Promise<unknown>;
  };
}

/** Validates `value` with a protocol schema: the typed output, or the first issue's message. */
export function validate<T>(schema: StandardSchema<T>, value: unknown): { ok: true; value: T } | { ok: false; message: string } {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) return { ok: false, message: 'asynchronous schemas are not supported' };
  const { issues } = result as { issues?: ReadonlyArray<{ message: string }>; value: T };
  if (issues) return { ok: false, message: issues[0]?.message ?? 'invalid' };
  return { ok: true, value: (result as { value: T }).value };
}

/**
 * Checks with the protocol's own schemas (`ServerFrameSchema`, `MessageSendSchema`): every field
 * of every frame, strictly. The default of `@parley/client`.
 */
export const protocolChecks: FrameChecks = {
  serverFrame(json) {
    const result = validate(ServerFrameSchema, json);
    return result.ok ? result.value : undefined;
  },
  messageSend(frame) {
    const result = validate(MessageSendSchema, frame);
    return result.ok ? undefined : result.message;
  },
};
