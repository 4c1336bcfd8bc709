/**
 * Date handling for addDays/dateTimeAdd/dateTimeToEpoch/utcNow and date ordering. ARM accepts ISO 8601 date
 * times with "T" or a space, optional fraction and optional offset (no offset = UTC), and keeps the input's
 * offset and fraction in its output. Durations follow .NET's XmlConvert: a year counts as 365 days and a
 * month as 30 days (that is what dateTimeAdd('2020-04-07T14:55:59Z', 'P3Y2M') = 2023-06-06 shows).
 */

export interface ParsedDate {
  /** Instant, ms since epoch (UTC). */
  readonly ms: number;
  /** Offset in minutes; null when written with Z or without offset (both UTC). */
  readonly offset: number | null;
  /** Fraction digits as written (without the dot), '' when none. */
  readonly frac: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseDate(s: string): ParsedDate | undefined {
  const m = DATE_RE.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', tz] = m;
  const fracMs = frac ? Number((frac + '000').slice(0, 3)) : 0;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), fracMs);
  if (Number.isNaN(ms)) return undefined;
  // Reject impossible calendar dates (Date.UTC rolls 2024-02-30 over to March).
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  let offset: number | null = null;
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    if (offset === 0) offset = null;
    ms -= (offset ?? 0) * 60_000;
  }
  return { ms, offset, frac };
}

/** ISO 8601 duration (P1D, PT2H30M, -P1W, P1Y) in ms, or undefined. */
export function parseDuration(s: string): number | undefined {
  const m = /^([+-])?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
    s.trim(),
  );
  if (!m || s.trim().replace(/^[+-]/, '').toUpperCase() === 'P' || /T$/i.test(s.trim())) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  const days = n(2) * 365 + n(3) * 30 + n(4) * 7 + n(5);
  const ms = ((days * 24 + n(6)) * 60 + n(7)) * 60_000 + n(8) * 1000;
  return m[1] === '-' ? -ms : ms;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  dow: number;
}

function parts(msLocal: number): Parts {
  const t = new Date(msLocal);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
    dow: t.getUTCDay(),
  };
}

function offsetText(offset: number | null): string {
  if (offset === null) return 'Z';
  return `${offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Fraction digits at 7-digit (.NET tick) precision, keeping digits beyond ms from the original text. */
function ticks7(d: ParsedDate, p: Parts): string {
  const extra = d.frac.length > 3 ? d.frac.slice(3) : '';
  return (pad(p.ms, 3) + extra + '0000000').slice(0, 7);
}

/** Default ARM output: the input's shape (fraction as written, offset kept). */
export function formatDate(d: ParsedDate): string {
  const p = parts(d.ms + (d.offset ?? 0) * 60_000);
  const frac = d.frac ? `.${d.frac}` : '';
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${frac}${offsetText(d.offset)}`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * .NET date format strings (invariant culture): the standard one-letter specifiers ARM users write (d, G, o,
 * u, U, s, R) and custom patterns (yyyy, MM, dd, HH, mm, ss, f…, K, literal text). Throws on an unknown
 * standard specifier.
 */
export function formatDateWith(d: ParsedDate, format: string): string {
  const local = parts(d.ms + (d.offset ?? 0) * 60_000);
  const utc = parts(d.ms);
  if (format.length === 1) {
    const p = local;
    switch (format) {
      case 'd':
        return `${pad(p.mo)}/${pad(p.d)}/${p.y}`;
      case 'G':
        return `${pad(p.mo)}/${pad(p.d)}/${p.y} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
      case 'o':
      case 'O':
        return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}.${ticks7(d, p)}${offsetText(d.offset)}`;
      case 's':
        return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
      case 'u':
        return `${utc.y}-${pad(utc.mo)}-${pad(utc.d)} ${pad(utc.h)}:${pad(utc.mi)}:${pad(utc.s)}Z`;
      case 'U':
        return `${DAYS[utc.dow]}, ${pad(utc.d)} ${MONTHS[utc.mo - 1]} ${utc.y} ${pad(utc.h)}:${pad(utc.mi)}:${pad(utc.s)}`;
      case 'R':
      case 'r':
        return `${DAYS[utc.dow]!.slice(0, 3)}, ${pad(utc.d)} ${MONTHS[utc.mo - 1]!.slice(0, 3)} ${utc.y} ${pad(utc.h)}:${pad(utc.mi)}:${pad(utc.s)} GMT`;
      default:
        throw new Error(`unrecognised standard format specifier '${format}'`);
    }
  }
  const p = local;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    let run = 1;
    while (format[i + run] === c) run++;
    switch (c) {
      case 'y':
        out += run <= 2 ? pad(p.y % 100) : pad(p.y, run);
        break;
      case 'M':
        out += run >= 4 ? MONTHS[p.mo - 1] : run === 3 ? MONTHS[p.mo - 1]!.slice(0, 3) : run === 2 ? pad(p.mo) : String(p.mo);
        break;
      case 'd':
        out += run >= 4 ? DAYS[p.dow] : run === 3 ? DAYS[p.dow]!.slice(0, 3) : run === 2 ? pad(p.d) : String(p.d);
        break;
      case 'H':
        out += run >= 2 ? pad(p.h) : String(p.h);
        break;
      case 'h':
        out += run >= 2 ? pad(p.h % 12 || 12) : String(p.h % 12 || 12);
        break;
      case 'm':
        out += run >= 2 ? pad(p.mi) : String(p.mi);
        break;
      case 's':
        out += run >= 2 ? pad(p.s) : String(p.s);
        break;
      case 'f':
      case 'F': {
        const digits = ticks7(d, p).slice(0, run);
        out += c === 'F' ? digits.replace(/0+$/, '') : digits;
        break;
      }
      case 't':
        out += run >= 2 ? (p.h < 12 ? 'AM' : 'PM') : p.h < 12 ? 'A' : 'P';
        break;
      case 'K':
        out += offsetText(d.offset);
        break;
      case 'z':
        out += offsetText(d.offset === null ? 0 : d.offset).replace('Z', '+00:00');
        break;
      case '\\':
        out += format[i + 1] ?? '';
        i += 2;
        continue;
      case "'":
      case '"': {
        const end = format.indexOf(c, i + 1);
        out += format.slice(i + 1, end === -1 ? undefined : end);
        i = end === -1 ? format.length : end + 1;
        continue;
      }
      default:
        out += c.repeat(run);
    }
    i += run;
  }
  return out;
}
