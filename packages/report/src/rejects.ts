import type { RejectListing } from '@cdrflow/store';
import { REJECT_REASONS, type RejectReason } from '@cdrflow/schema';
import { gridAsCsv, gridAsText } from './grid';

export function formatRejects(
  listing: { total: number; rows: RejectListing[] },
  format: 'table' | 'json' | 'csv',
): string {
  if (format === 'json') return JSON.stringify(listing, null, 2);
  const grid = {
    headers: ['Source', 'File', 'Line', 'Reason', 'Detail', 'Raw'],
    rows: listing.rows.map((r) => [r.source, r.file, String(r.line), r.reason, clip(r.detail, 90), clip(r.raw, 50)]),
  };
  if (format === 'csv') return gridAsCsv(grid);
  if (listing.total === 0) return 'No rows have been rejected.';
  const reasons = [...new Set(listing.rows.map((r) => r.reason))]
    .map((r) => `  ${r}: ${REJECT_REASONS[r as RejectReason] ?? 'unknown reason'}`)
    .join('\n');
  return [
    gridAsText(grid),
    '',
    `${listing.rows.length} of ${listing.total} rejected rows shown (--limit to see more). Reasons:`,
    reasons,
    'Each reason is explained, with what to do, in docs/rejects.md.',
  ].join('\n');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
