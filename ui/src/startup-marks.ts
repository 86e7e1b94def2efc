// Where the first paint's time goes, for `bench/app-cold-start`: a few named
// moments in ms since the page began (`performance.now()`), sent with the
// first paint's report. Nothing here changes what the window does.
export const startupMarks: [string, number][] = [];

export function mark(name: string): void {
  if (startupMarks.length < 32) startupMarks.push([name, Math.round(performance.now())]);
}
