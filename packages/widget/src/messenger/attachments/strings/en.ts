/** The messenger's strings for files, in English: the source every other language is checked against. */
const en = {
  attach: 'Attach a file',
  pending: 'Files to send',
  files: 'Files',
  uploading: 'Uploading {name}',
  remove: 'Remove {name}',
  download: 'Download {name}',
  image: 'Image: {name}',
  drop: 'Drop files here to send them',
  'error.type': '{name} can’t be sent. Send a PDF, a Word, Excel or PowerPoint file, a text file or an image (JPG, PNG, GIF, BMP, WEBP, TIFF, HEIF).',
  'error.content': '{name} can’t be sent: what it holds is not a PDF, Word, Excel, PowerPoint, text or image file, whatever its name says.',
  'error.mismatch': '{name} is not what its name says: it is a {kind} file. Send it under its real name.',
  'error.size': '{name} is too large. Files can be at most {max}.',
  'error.empty': '{name} is empty.',
  'error.count': 'A message can carry at most {max} files.',
  'error.upload': '{name} could not be sent. Please try again.',
  'error.busy': 'Too many files at once. Wait a moment and try again.',
  'error.download': 'The file could not be downloaded. Please try again.',
};

export default en;

/** The keys of the strings for files. */
export type AttachmentStrings = typeof en;
