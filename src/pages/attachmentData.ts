import type { AttachmentReader, MessageReader } from '../store/archiveStore.js';
import type { AttachmentView } from '../web/views/attachmentPages.js';

/** What an attachment page shows, as the live server and the static edition load it (null: no visible message has it). */
export const ATTACHMENTS_PER_PAGE = 100;

export async function attachmentViewOf(store: AttachmentReader & MessageReader, sha256: string) {
  const messages = await store.attachmentMessages(sha256);
  const first = messages[0] ? await store.getMessage(messages[0].id) : undefined;
  const found = first?.attachments.find((a) => a.sha256 === sha256);
  if (!first || !found) return null;
  const attachment: AttachmentView = {
    sha256,
    filename: found.filename,
    contentType: found.contentType,
    size: found.size,
    download: `/emails/${first.id}/attachments/${found.index}`,
  };
  return { attachment, text: await store.attachmentText(sha256), messages };
}

export function attachmentJson(view: NonNullable<Awaited<ReturnType<typeof attachmentViewOf>>>) {
  return { ...view.attachment, text: view.text, messages: view.messages };
}
