import type { TicketReportView } from '../views/report.js';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, quotes doubled.
 * Text that a spreadsheet would run as a formula (=, +, -, @ first) is quoted with a leading
 * apostrophe, so a name typed by someone cannot become a formula on a supervisor's machine.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const REPORT_CSV_COLUMNS = [
  'group',
  'label',
  'tickets',
  'resolved',
  'first_response_median_s',
  'first_response_p90_s',
  'resolution_median_s',
  'resolution_p90_s',
  'sla_breaches',
  'csat_count',
  'csat_average',
] as const;

/** The report as CSV: a header, one line per group, the total last; CRLF line ends. */
export function reportCsv(report: TicketReportView): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const r of [...report.rows, report.total]) {
    lines.push(
      [
        r.key,
        r.label,
        r.tickets,
        r.resolved,
        r.firstResponse.medianSeconds,
        r.firstResponse.p90Seconds,
        r.resolution.medianSeconds,
        r.resolution.p90Seconds,
        r.slaBreaches,
        r.csat.count,
        r.csat.average,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
