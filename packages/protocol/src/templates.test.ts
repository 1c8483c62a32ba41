import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isLanguageTag, LanguageTagSchema, TemplateInputSchema, TemplatePatchSchema, TemplateRenderSchema } from './templates.ts';

describe('LanguageTagSchema', () => {
  it.each([
    ['en', 'en'],
    ['EN-gb', 'en-GB'],
    ['pt-br', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    [' nl ', 'nl'],
    ['es-419', 'es-419'],
  ])('takes %j as %j', (tag, canonical) => expect(v.parse(LanguageTagSchema, tag)).toBe(canonical));

  it.each(['', 'english please', 'en_US', 'e', '12', 'en--GB', 'x'.repeat(36)])('refuses %j', (tag) => {
    expect(v.safeParse(LanguageTagSchema, tag).success).toBe(false);
  });

  it('isLanguageTag answers without throwing', () => {
    expect(isLanguageTag('de-CH')).toBe(true);
    expect(isLanguageTag('!!')).toBe(false);
  });
});

describe('template bodies', () => {
  it('trims the title and category, keeps the body as written, and canonicalises the language', () => {
    expect(v.parse(TemplateInputSchema, { title: ' Hi ', body: ' Hello <name> ', category: ' Greetings ', language: 'en-us' })).toEqual({
      title: 'Hi',
      body: ' Hello <name> ',
      category: 'Greetings',
      language: 'en-US',
    });
  });

  it('refuses a blank body, an unknown key and an empty patch', () => {
    expect(v.safeParse(TemplateInputSchema, { title: 'T', body: ' \n ', language: 'en' }).success).toBe(false);
    expect(v.safeParse(TemplateInputSchema, { title: 'T', body: 'x', language: 'en', id: 'x' }).success).toBe(false);
    expect(v.safeParse(TemplatePatchSchema, {}).success).toBe(false);
    expect(v.parse(TemplatePatchSchema, { category: null })).toEqual({ category: null });
  });

  it('takes a render request with a conversation id only', () => {
    expect(v.safeParse(TemplateRenderSchema, { conversationId: 'c1' }).success).toBe(true);
    expect(v.safeParse(TemplateRenderSchema, { conversationId: 'c1', extra: 1 }).success).toBe(false);
  });
});
