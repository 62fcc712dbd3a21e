/**
 * The longest time between two runs of a Quartz cron schedule, to compare with an event hub's retention.
 *
 * Fields: seconds, minutes, hours, day of month, month, day of week, optional year. Each field may be `*`,
 * `?`, a value, a range `a-b`, a step `x/n` and a comma list of those; months and weekdays may be names.
 * Quartz's `L`, `W` and `#` are not read: the gap of such a schedule is unknown (undefined), as it is for a
 * schedule with a year field or one that runs less than twice a year. Seconds are read as their minute.
 */

const MINUTE = 60;
const DAY_MINUTES = 24 * 60;
/** A leap year and a week: every gap of a schedule without a year field shows up in it. */
const HORIZON_MINUTES = (366 + 7) * DAY_MINUTES;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type Matcher = (value: number) => boolean;

function parseField(text: string, min: number, max: number, names: readonly string[] = [], nameBase = min): Matcher | undefined {
  if (text === '*' || text === '?') return () => true;
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    return named >= 0 ? named + nameBase : Number(token);
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lowText, highText] = range.split('-');
    const low = range === '*' ? min : value(lowText);
    const high = range === '*' || (stepText !== undefined && highText === undefined) ? max : value(highText ?? lowText);
    if (![low, high, step].every(Number.isInteger) || step < 1 || low < min || high > max || low > high) return undefined;
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return (v) => values.has(v);
}

/** Seconds between the two runs furthest apart, or undefined when the expression is not one this reads. */
export function longestScheduleGapSeconds(expression: string): number | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return undefined; // a year field bounds the schedule: nothing to compare
  const [, minutes, hours, days, months, weekdays] = fields;
  const matchers = [
    parseField(minutes, 0, 59),
    parseField(hours, 0, 23),
    parseField(days, 1, 31),
    parseField(months, 1, 12, MONTHS),
    parseField(weekdays, 1, 7, WEEKDAYS),
  ];
  if (matchers.some((m) => m === undefined)) return undefined;
  const [minute, hour, day, month, weekday] = matchers as Matcher[];
  const dayIsAny = days === '*' || days === '?';
  const weekdayIsAny = weekdays === '*' || weekdays === '?';
  const start = Date.UTC(2024, 0, 1); // a leap year, from a Monday
  let previous: number | undefined;
  let longest = 0;
  let runs = 0;
  for (let m = 0; m < HORIZON_MINUTES; m++) {
    const t = new Date(start + m * MINUTE * 1000);
    if (!minute(t.getUTCMinutes()) || !hour(t.getUTCHours()) || !month(t.getUTCMonth() + 1)) continue;
    const onDay = day(t.getUTCDate());
    const onWeekday = weekday(t.getUTCDay() + 1);
    // Quartz: one of the two day fields is `?`; both given means either matches.
    const dayMatches = dayIsAny ? onWeekday : weekdayIsAny ? onDay : onDay || onWeekday;
    if (!dayMatches) continue;
    if (previous !== undefined) longest = Math.max(longest, m - previous);
    previous = m;
    runs++;
  }
  return runs < 2 ? undefined : longest * MINUTE;
}
