import { ErrorNotice } from './feedback';
import { useAction } from './use-api';

/** Hands a downloaded file to the browser as if a link to it had been followed. */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The click starts the download at once; the URL can go after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A button that downloads a list as CSV: `load` asks the list's route with `Accept: text/csv`
 * (the bearer token rides along, so this can't be a plain link).
 */
export function CsvExportButton({
  filename,
  load,
  label = 'Export CSV',
}: {
  filename: string;
  load: () => Promise<Blob>;
  label?: string;
}) {
  const download = useAction(async () => saveFile(await load(), filename));
  return (
    <div className="csv-export">
      <button
        type="button"
        className="button-secondary"
        disabled={download.pending}
        onClick={() => void download.run()}
      >
        {download.pending ? 'Exporting…' : label}
      </button>
      <ErrorNotice error={download.error} />
    </div>
  );
}
