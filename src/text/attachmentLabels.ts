/** Before each attachment's text in a message's search text: its file name between these two (the store writes them, snippets name the file). */
export const ATTACHMENT_LABEL_START = '\u001e';
export const ATTACHMENT_LABEL_END = '\u001f';
