import type { TemplateRendered } from '@parley/protocol';

// `<name>`: a lower-case word of letters, digits and underscores. A fixed-width pattern with no
// nested repetition, so matching stays linear however the body looks.
const PARAMETER = /<([a-z][a-z0-9_]{0,31})>/g;

/**
 * Fills a template's `<parameters>` from `values`, in one pass: a value is inserted as plain text
 * and never read again for parameters, so a visitor named `<agent_name>` stays just that. A
 * parameter without a value (unknown, or empty for this conversation) stays as written and is
 * listed in `unfilled`, for the agent to edit in the composer.
 *
 * @example
 * fillTemplate('Hi <name>, I am <agent_name>.', new Map([['name', 'Ayşe']]));
 * // { text: 'Hi Ayşe, I am <agent_name>.', unfilled: ['agent_name'] }
 */
export function fillTemplate(body: string, values: ReadonlyMap<string, string | null | undefined>): Pick<TemplateRendered, 'text' | 'unfilled'> {
  const unfilled = new Set<string>();
  // A replacer function's result is used as is: `$&` and the like in a value mean nothing.
  const text = body.replace(PARAMETER, (whole, name: string) => {
    const value = values.get(name);
    if (value == null || value === '') {
      unfilled.add(name);
      return whole;
    }
    return value;
  });
  return { text, unfilled: [...unfilled] };
}
