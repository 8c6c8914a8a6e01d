/**
 * HTTP-date parsing with nginx's rules (ngx_parse_http_time): the three
 * formats of RFC 9110 §5.6.7, nothing else, to whole seconds.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate / RFC 1123)
const IMF = /^[^ ,]*, *(\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)/;
// "Sunday, 06-Nov-94 08:49:37 GMT" (obsolete RFC 850)
const RFC850 = /^[^ ,]*, *(\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d)/;
// "Sun Nov  6 08:49:37 1994" (obsolete asctime)
const ASCTIME = /^[^ ,]* +([A-Z][a-z]{2}) +(\d\d?) (\d\d):(\d\d):(\d\d) (\d{4})/;

function toSeconds(year: number, monthName: string, day: number, h: number, m: number, s: number): number | undefined {
  const month = MONTHS.indexOf(monthName);
  if (month < 0 || h > 23 || m > 59 || s > 60 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return Date.UTC(year, month, day, h, m, s) / 1000;
}

/** Unix seconds, or undefined when nginx would not parse the value either. */
export function parseHttpDate(value: string): number | undefined {
  let m = IMF.exec(value);
  if (m) return toSeconds(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850.exec(value);
  if (m) {
    const yy = Number(m[3]);
    return toSeconds(yy < 70 ? 2000 + yy : 1900 + yy, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME.exec(value);
  if (m) return toSeconds(Number(m[6]), m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/** IMF-fixdate for a Last-Modified header. */
export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
