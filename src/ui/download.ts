/** The browser's "save as": a Blob handed to the user as a file. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads `text` (UTF-8) as a file named `fileName`. */
export const downloadText = (text: string, fileName: string): void => downloadBlob(new Blob([text], { type: 'application/json' }), fileName);
