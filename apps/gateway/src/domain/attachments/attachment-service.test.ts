import { describe, expect, it } from 'vitest';
import * as files from '../../../test/support/files.ts';
import type { AgentPrincipal, VisitorPrincipal } from '../identity/principal.ts';
import type { AttachmentAccess } from './attachment-repository.ts';
import { judgeFile, mayRead } from './attachment-service.ts';

const MAX = 1024 * 1024;
const refusal = (name: string, bytes: Uint8Array, max = MAX) => {
  try {
    judgeFile(name, bytes, max);
  } catch (error) {
    return { code: (error as { code: string }).code, status: (error as { status: number }).status, message: (error as Error).message };
  }
  return undefined;
};

describe('judgeFile', () => {
  it.each([
    ['photo.png', files.png(), 'image/png'],
    ['PHOTO.JPG', files.jpeg(), 'image/jpeg'],
    ['scan.tif', files.tiff(), 'image/tiff'],
    ['IMG_0001.HEIC', files.ftyp('heic', 'mif1'), 'image/heic'],
    ['letter.doc', files.ole('WordDocument'), 'application/msword'],
    ['budget.xlsx', files.ooxml('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['notes.txt', files.text('hello'), 'text/plain'],
    ['page.html.txt', files.html(), 'text/plain'],
  ])('accepts %s as %s', (name, bytes, type) => {
    expect(judgeFile(name, bytes, MAX).kind.type).toBe(type);
  });

  it('gives a name without an extension the extension of its bytes', () => {
    expect(judgeFile('screenshot', files.png(), MAX).name).toBe('screenshot.png');
  });

  it.each([
    ['an executable named .png', 'cat.png', files.exe()],
    ['an HTML page named .png', 'cat.png', files.html()],
    ['an SVG named .png', 'cat.png', files.svg()],
    ['a ZIP without content types named .docx', 'letter.docx', files.zip({ 'word/document.xml': '<w:document/>' })],
    ['a PDF named .jpg', 'holiday.jpg', files.pdf()],
    ['a DOCX named .xlsx', 'budget.xlsx', files.ooxml('docx')],
    ['an XLS named .doc', 'letter.doc', files.ole('Workbook')],
    ['a text file named .exe', 'setup.exe', files.text('hello')],
    ['an HTML page named .html', 'page.html', files.html()],
  ])('refuses %s with FILE_TYPE_NOT_ALLOWED (415)', (_label, name, bytes) => {
    expect(refusal(name, bytes)).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', status: 415 });
  });

  it('says what the bytes are when the name contradicts them', () => {
    expect(refusal('holiday.jpg', files.pdf())!.message).toContain('holiday.jpg is named as a .jpg file, but it is a PDF document');
  });

  it('refuses a file over the limit with FILE_TOO_LARGE (413), before judging it', () => {
    expect(refusal('big.png', new Uint8Array(2049), 2048)).toMatchObject({ code: 'FILE_TOO_LARGE', status: 413 });
  });

  it('refuses an empty file and an empty name with INVALID_REQUEST', () => {
    expect(refusal('empty.txt', new Uint8Array())).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
    expect(refusal('../', files.png())).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
  });
});

describe('mayRead', () => {
  const visitor = { kind: 'visitor', visitorId: 'v1', workspaceId: 'w1' } as VisitorPrincipal;
  const otherVisitor = { kind: 'visitor', visitorId: 'v2', workspaceId: 'w1' } as VisitorPrincipal;
  const agent = { kind: 'agent', agentId: 'a1', workspaceId: 'w1' } as AgentPrincipal;
  const foreignAgent = { kind: 'agent', agentId: 'a9', workspaceId: 'w2' } as AgentPrincipal;
  const file = { id: 'f', name: 'f.png', size: 1, type: 'image/png' };
  const access = (over: Partial<AttachmentAccess>): AttachmentAccess => ({ attachment: file, uploader: { kind: 'agent', id: 'a1' }, message: null, ...over });

  it('lets the uploader read a file not sent yet, and nobody else', () => {
    const unsent = access({ uploader: { kind: 'visitor', id: 'v1' } });
    expect([visitor, otherVisitor, agent, foreignAgent].map((p) => mayRead(p, unsent))).toEqual([true, false, false, false]);
  });

  it("lets a public message's visitor and its workspace's agents read its file", () => {
    const sent = access({ uploader: { kind: 'agent', id: 'a7' }, message: { visitorId: 'v1', workspaceId: 'w1', internal: false } });
    expect([visitor, otherVisitor, agent, foreignAgent].map((p) => mayRead(p, sent))).toEqual([true, false, true, false]);
  });

  it("never lets a visitor read an internal note's file", () => {
    const note = access({ uploader: { kind: 'agent', id: 'a7' }, message: { visitorId: 'v1', workspaceId: 'w1', internal: true } });
    expect([visitor, otherVisitor, agent, foreignAgent].map((p) => mayRead(p, note))).toEqual([false, false, true, false]);
  });
});
