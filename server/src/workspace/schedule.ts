// Working days and hours between two dates: Monday to Friday count, Saturday and Sunday do not,
// both ends included. No holidays: a plan that needs them says so in its own dates.

const DAY_MS = 86_400_000;

export function parseDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const time = Date.UTC(y, mo - 1, d);
  const date = new Date(time);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return time / DAY_MS;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isWorkingDay(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Working days (Mon–Fri) from `start` to `end`, both included; 0 when end is before start. */
export function workingDaysBetween(start: number, end: number): number {
  if (end < start) return 0;
  const total = end - start + 1;
  let days = Math.floor(total / 7) * 5;
  for (let day = start + Math.floor(total / 7) * 7; day <= end; day++) if (isWorkingDay(day)) days++;
  return days;
}

/** The day on which `count` working days starting at `start` (or the next working day) end. */
export function addWorkingDays(start: number, count: number): number {
  let day = start;
  while (!isWorkingDay(day)) day++;
  let left = Math.max(1, Math.ceil(count)) - 1;
  while (left > 0) {
    day++;
    if (isWorkingDay(day)) left--;
  }
  return day;
}

/** The next working day after `day`. */
export function nextWorkingDay(day: number): number {
  let next = day + 1;
  while (!isWorkingDay(next)) next++;
  return next;
}
