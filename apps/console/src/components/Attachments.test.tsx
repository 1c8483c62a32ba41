import type { Attachment } from '@parley/protocol';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationModel } from '../ConversationModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { AttachmentList } from './AttachmentList.tsx';
import { Composer } from './Composer.tsx';
import { ConversationView } from './ConversationView.tsx';
import { createComposerFiles, formatSize, type UploadTask } from './composer-files.ts';

const XSS = '<img src=x onerror="window.hacked=1">.png';
let cleanup = () => {};
afterEach(() => cleanup());

const file = (over: Partial<Attachment> = {}): Attachment => ({ id: 'f1', name: 'receipt.png', size: 2048, type: 'image/png', ...over });

/** An uploader whose uploads the test finishes by hand. */
function manualUploader() {
  const uploads: { file: File; progress: (f: number) => void; resolve: (a: Attachment) => void; reject: (e: Error) => void; aborted: boolean }[] = [];
  const upload = (picked: File, progress: (f: number) => void): UploadTask => {
    const entry = { file: picked, progress, resolve: (_: Attachment) => {}, reject: (_: Error) => {}, aborted: false };
    const done = new Promise<Attachment>((resolve, reject) => Object.assign(entry, { resolve, reject }));
    uploads.push(entry);
    return { done, abort: () => (entry.aborted = true) };
  };
  return { uploads, upload };
}

const policy = async () => ({ maxBytes: 1000, extensions: ['png', 'pdf'] });

describe('AttachmentList', () => {
  it('shows images as thumbnails and every file as a download link with its size', async () => {
    const view = await render(<AttachmentList files={[file(), file({ id: 'f2', name: 'terms.pdf', type: 'application/pdf', size: 5 * 1024 * 1024 })]} />);
    cleanup = view.unmount;
    const links = within(view.container).getAllByRole('link');
    expect(links.map((a) => [a.getAttribute('href'), a.getAttribute('download'), a.textContent])).toEqual([
      ['/api/attachments/f1', 'receipt.png', 'receipt.png2 KB'],
      ['/api/attachments/f2', 'terms.pdf', 'terms.pdf5.0 MB'],
    ]);
    expect([...view.container.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['/api/attachments/f1']);
  });

  it('shows a file name with markup as text', async () => {
    const view = await render(<AttachmentList files={[file({ name: XSS })]} />);
    cleanup = view.unmount;
    expect(within(view.container).getByRole('link').textContent).toContain(XSS);
    expect(view.container.querySelectorAll('img[onerror]')).toHaveLength(0);
    expect((window as { hacked?: number }).hacked).toBeUndefined();
  });
});

describe('createComposerFiles', () => {
  it('refuses files over the limit, of other kinds, or past ten, without uploading them', async () => {
    const { uploads, upload } = manualUploader();
    const files = createComposerFiles({ upload, policy: async () => ({ maxBytes: 1000, extensions: ['png', 'pdf'] }) });
    files.add([new File([new Uint8Array(1001)], 'big.png'), new File(['x'], 'run.exe'), new File([], 'empty.pdf')]);
    await settle();
    expect(files.files.value.map((f) => [f.name, f.state, f.error])).toEqual([
      ['big.png', 'failed', 'This file is larger than 1000 B, the most Parley accepts.'],
      ['run.exe', 'failed', '.exe files cannot be sent.'],
      ['empty.pdf', 'failed', 'This file is empty.'],
    ]);
    files.add(Array.from({ length: 11 }, (_, i) => new File(['x'], `${i}.png`)));
    await settle();
    expect(uploads).toHaveLength(10);
    expect(files.files.value.at(-1)).toMatchObject({ name: '10.png', state: 'failed', error: 'A message can carry at most 10 files.' });
  });

  it('reports progress, lists the uploaded files in order, and aborts a removed upload', async () => {
    const { uploads, upload } = manualUploader();
    const files = createComposerFiles({ upload, policy });
    files.add([new File(['a'], 'a.png'), new File(['b'], 'b.pdf')]);
    await settle();
    expect(files.busy.value).toBe(true);
    uploads[0]!.progress(0.5);
    expect(files.files.value[0]!.progress).toBe(0.5);
    uploads[1]!.resolve(file({ id: 'b', name: 'b.pdf' }));
    uploads[0]!.resolve(file({ id: 'a', name: 'a.png' }));
    await settle();
    expect(files.ready.value.map((f) => f.id)).toEqual(['a', 'b']);
    expect(files.busy.value).toBe(false);
    files.add([new File(['c'], 'c.png')]);
    await settle();
    files.remove(files.files.value[2]!.key);
    expect(uploads[2]!.aborted).toBe(true);
    expect(formatSize(980)).toBe('980 B');
  });
});

describe('Composer with files', () => {
  async function setup() {
    const api = fakeApi({
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [message('c1', 1, { body: 'Hi' })], hasMore: false }),
      'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { lastSeq: 1 }) }),
    });
    const client = fakeClient();
    const model = createConversationModel({ api, client, conversationId: 'c1', me: { id: 'a1' } });
    const { uploads, upload } = manualUploader();
    const files = createComposerFiles({ upload, policy });
    const view = await render(<Composer model={model} files={files} />);
    cleanup = () => {
      view.unmount();
      model.dispose();
    };
    return { client, model, uploads, screen: within(view.container), user: userEvent.setup(), container: view.container };
  }

  it('attaches by the button, waits for the upload, and sends the files with the reply (or alone)', async () => {
    const { client, uploads, screen, user, container } = await setup();
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept).toContain('.pdf');
    await user.click(screen.getByRole('button', { name: 'Attach files' }));
    await settle(() => user.upload(input, new File(['x'], 'receipt.png', { type: 'image/png' })));
    expect(screen.getByRole('list', { name: 'Files to send' }).textContent).toContain('receipt.png');
    expect(screen.getByRole('progressbar', { name: 'Uploading receipt.png' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

    await settle(() => uploads[0]!.resolve(file()));
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(client.sent.at(-1)).toMatchObject({ conversationId: 'c1', body: '', attachments: ['f1'] });
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
  });

  it('takes pasted files', async () => {
    const { uploads, screen } = await setup();
    const box = screen.getByRole('textbox', { name: 'Reply' });
    const pasted = new Event('paste', { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
    pasted.clipboardData = { files: [new File(['x'], 'shot.png', { type: 'image/png' })] };
    await settle(() => box.dispatchEvent(pasted));
    expect(uploads.map((u) => u.file.name)).toEqual(['shot.png']);
    expect(pasted.defaultPrevented).toBe(true);
  });
});

describe('files in the conversation', () => {
  it("show under their message, an internal note's too, for agents", async () => {
    const api = fakeApi({
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({
        messages: [
          message('c1', 1, { body: '', attachments: [file()], author: { kind: 'visitor', id: 'v1', name: 'Vera' } }),
          message('c1', 2, { body: 'See the contract', internal: true, attachments: [file({ id: 'f2', name: 'contract.pdf', type: 'application/pdf' })] }),
        ],
        hasMore: false,
      }),
      'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { lastSeq: 2 }) }),
    });
    const model = createConversationModel({ api, client: fakeClient(), conversationId: 'c1', me: { id: 'a1' } });
    const view = await render(<ConversationView model={model} />);
    cleanup = () => {
      view.unmount();
      model.dispose();
    };
    await settle(() => model.load());
    const items = [...view.container.querySelectorAll<HTMLElement>('li.message')];
    const linksOf = (item: HTMLElement) => within(item).queryAllByRole('link').map((a) => a.getAttribute('href'));
    expect(items.map(linksOf).filter((l) => l.length)).toEqual([['/api/attachments/f1'], ['/api/attachments/f2']]);
  });
});
