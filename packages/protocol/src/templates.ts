import * as v from 'valibot';
import { IdSchema, MAX_BODY_CHARS } from './frames.ts';

// Templates (canned replies) between the gateway and the agent console (MISSION.md A5): admins
// manage them, agents search them and render one for a conversation into the composer. A module
// of its own, so the messenger's bundle never carries it.

/** The longest value each template field takes (UTF-16 code units, after trimming). */
export const TEMPLATE_LIMITS = { title: 120, body: MAX_BODY_CHARS, category: 60, language: 35 } as const;

/**
 * The parameters a template may hold, written `<name>` in its body, and what fills them when it
 * is rendered for a conversation. Any other `<word>` stays as written.
 */
export const TEMPLATE_PARAMETERS = {
  name: "the contact's name (the verified contact's, else the one an agent entered, else the name the visitor gave)",
  first_name: 'the first word of that name',
  email: "the contact's e-mail address",
  agent_name: "the rendering agent's name",
  conversation_id: "the conversation's id",
  app_name: 'the name of the app (website) the conversation came from',
} as const;
/** A parameter a template can fill. */
export type TemplateParameter = keyof typeof TEMPLATE_PARAMETERS;

/** Whether a string is a well-formed BCP 47 language tag (RFC 5646), as `Intl` judges it. */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** A BCP 47 language tag (`en`, `pt-BR`, `zh-Hant-TW`), turned into its canonical case (`en-gb` → `en-GB`). */
export const LanguageTagSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'language must not be empty'),
    v.maxLength(TEMPLATE_LIMITS.language),
    v.check(isLanguageTag, 'language must be a BCP 47 language tag such as en, nl or pt-BR'),
    v.transform((tag) => Intl.getCanonicalLocales(tag)[0]!),
  ))();

// The schemas are wrapped in pure calls, so the limits they read stay out of bundles that do not use them (the widget's).
const Title = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.minLength(1, 'title must not be empty'), v.maxLength(TEMPLATE_LIMITS.title)))();
const Body = /* @__PURE__ */ (() =>
  v.pipe(
    v.string(),
    v.maxLength(TEMPLATE_LIMITS.body),
    v.check((body) => body.trim().length > 0, 'body must not be empty'),
  ))();
const Category = /* @__PURE__ */ (() =>
  v.nullable(v.pipe(v.string(), v.trim(), v.minLength(1, 'category must not be empty; send null for none'), v.maxLength(TEMPLATE_LIMITS.category))))();

/** `POST /api/admin/templates`: a new template. No other keys. */
export const TemplateInputSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    title: Title,
    body: Body,
    category: v.optional(Category),
    language: LanguageTagSchema,
  }))();
/** A new template, after trimming and canonicalising the language. */
export type TemplateInput = v.InferOutput<typeof TemplateInputSchema>;

/** `PATCH /api/admin/templates/:id`: any of the fields, at least one. */
export const TemplatePatchSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.strictObject({ title: v.optional(Title), body: v.optional(Body), category: v.optional(Category), language: v.optional(LanguageTagSchema) }),
    v.check((patch) => Object.keys(patch).length > 0, 'send at least one of title, body, category and language'),
  ))();
/** A change to a template. */
export type TemplatePatch = v.InferOutput<typeof TemplatePatchSchema>;

/** `POST /api/agent/templates/:id/render`: the conversation whose contact fills the parameters. */
export const TemplateRenderSchema = v.strictObject({ conversationId: IdSchema });

/** A template as the console shows it. */
export interface Template {
  id: string;
  title: string;
  body: string;
  category: string | null;
  language: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/agent/templates`: a page of templates, by title; `nextCursor` asks for the next one. */
export interface TemplatePage {
  templates: Template[];
  nextCursor: string | null;
}

/**
 * A template rendered for a conversation: `text` for the composer, and the parameters that were
 * left as written (unknown ones, known ones the conversation has no value for, and contact values
 * the agent may not see). The agent fills each in before the message is sent.
 */
export interface TemplateRendered {
  text: string;
  unfilled: string[];
  /**
   * The parameters of `unfilled` whose value the agent may not see: masking hides it, or it is a
   * contact detail their role does not see (`hidden`). Such a value is never filled in: a masked
   * one would reach the customer as if it were their data, a hidden one would show the agent what
   * the workspace keeps from them.
   */
  masked: string[];
  /**
   * The parameters of `masked` whose value is a contact detail (the e-mail) that the workspace
   * shows to admins only, as the customer panel's `contactDetailsHidden` does.
   */
  hidden: string[];
}
