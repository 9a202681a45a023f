import { SingleBar, Presets } from 'cli-progress';
import type { ProgressListener } from '@cdrflow/collector';

/**
 * A progress bar over the bytes of every file to read, on stderr and only on
 * a terminal, so piped output and CI logs stay clean.
 */
export function progressBar(totalBytes: number): { listener: ProgressListener; stop(): void } | null {
  if (!process.stderr.isTTY || totalBytes === 0) return null;
  const bar = new SingleBar(
    {
      format: 'reading exports |{bar}| {percentage}% | {value}/{total} MiB | {file}',
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
  bar.start(mib(totalBytes), 0, { file: '' });
  let doneBefore = 0;
  let current = '';
  let currentRead = 0;
  return {
    listener: ({ file, bytesRead, bytesTotal }) => {
      if (file !== current) {
        doneBefore += currentRead;
        current = file;
      }
      currentRead = bytesRead;
      bar.update(mib(doneBefore + bytesRead), { file: file.split('/').pop() ?? file });
      if (bytesRead === bytesTotal) bar.update(mib(doneBefore + bytesRead));
    },
    stop: () => bar.stop(),
  };
}
