// Time on the precinct computer is injected (tests and the home-voting deadline need a
// controllable clock). Election-day rules are in local time (Kazakhstan, one zone, UTC+5
// since 2024-03-01), so local times are computed from a fixed offset, never from the
// machine's TZ setting.

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Kazakhstan's single time zone since 2024-03-01. */
export const KZ_UTC_OFFSET_MINUTES = 5 * 60;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "YYYY-MM-DD HH:MM" in local time: precise enough for a paper record, too coarse to join logs. */
export function localMinute(at: Date, utcOffsetMinutes = KZ_UTC_OFFSET_MINUTES): string {
  const t = new Date(at.getTime() + utcOffsetMinutes * 60_000);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

/** The instant of a local wall-clock time ("YYYY-MM-DD", "HH:MM") at a fixed UTC offset. */
export function localInstant(date: string, hhmm: string, utcOffsetMinutes = KZ_UTC_OFFSET_MINUTES): Date {
  const d = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(date);
  const t = /^([0-9]{2}):([0-9]{2})$/.exec(hhmm);
  if (!d || !t) throw new RangeError(`expected YYYY-MM-DD and HH:MM, got ${date} ${hhmm}`);
  const utc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  return new Date(utc - utcOffsetMinutes * 60_000);
}
