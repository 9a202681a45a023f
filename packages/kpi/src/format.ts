/**
 * Number formatting for tables. Rounding works on the integer numerator and
 * denominator (half away from zero), not on a float: 1.005.toFixed(2) is
 * "1.00", and a committee figure must round the way a person checking it by
 * hand would.
 */

export const NO_DATA = 'No data';

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "19,498"; integers only. */
export function formatCount(n: number): string {
  return n < 0 ? `-${group(String(-n))}` : group(String(n));
}

/**
 * numerator ÷ denominator rounded to `decimals` places, as a string with
 * thousands separators ("1,234.5"). Both must be integers and the denominator
 * positive; the intermediate values stay well inside 2^53 for any call volume.
 */
export function formatRatio(numerator: number, denominator: number, decimals: number): string {
  const scale = 10 ** decimals;
  const negative = numerator < 0;
  const abs = Math.abs(numerator);
  const scaled = Math.floor((2 * abs * scale + denominator) / (2 * denominator));
  const whole = Math.floor(scaled / scale);
  const fraction = decimals === 0 ? '' : `.${String(scaled % scale).padStart(decimals, '0')}`;
  return `${negative && scaled !== 0 ? '-' : ''}${group(String(whole))}${fraction}`;
}

/** The number a formatted ratio shows, so a RAG can be judged on the figure as printed. */
export function printedValue(formatted: string): number {
  return Number(formatted.replaceAll(',', ''));
}
