// Date facts a document can know: calendar date, wall-clock time and zone, ISO week. Everything is
// computed from an explicit instant and IANA time zone so tests and goldens are reproducible.

export interface ClockFacts {
  /** YYYY-MM-DD */
  readonly date: string;
  /** HH:MM:SS (24 h) */
  readonly time: string;
  /** HH:MM */
  readonly hhmm: string;
  /** Short zone name as the user's locale writes it (e.g. UTC, CET, GMT+1). */
  readonly tz: string;
  /** YYYY-MM-DD HH:MM */
  readonly datetime: string;
  /** YYYY-MM-DD-HH_MM_SS, the sprint plan's stamp format */
  readonly stamp: string;
  /** ISO 8601 week, e.g. 2026-W48 */
  readonly isoWeek: string;
  readonly year: string;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  tz: string;
}

function partsIn(now: Date, timeZone: string): Parts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const get = (type: string) => fmt.formatToParts(now).find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    tz: get('timeZoneName'),
  };
}

/** ISO 8601 week-numbering year and week of a calendar date (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const weekYear = d.getUTCFullYear();
  const jan1 = Date.UTC(weekYear, 0, 1);
  const week = Math.floor((d.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { year: weekYear, week };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function clockFacts(now: Date, timeZone: string): ClockFacts {
  const p = partsIn(now, timeZone);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  const hhmm = `${pad(p.hour)}:${pad(p.minute)}`;
  const time = `${hhmm}:${pad(p.second)}`;
  const w = isoWeek(p.year, p.month, p.day);
  return {
    date,
    time,
    hhmm,
    tz: p.tz,
    datetime: `${date} ${hhmm}`,
    stamp: `${date}-${pad(p.hour)}_${pad(p.minute)}_${pad(p.second)}`,
    isoWeek: `${w.year}-W${pad(w.week)}`,
    year: String(p.year),
  };
}

/** The time zone the host runs in (falls back to UTC when the runtime cannot tell). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
