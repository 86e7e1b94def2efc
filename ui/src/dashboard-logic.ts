// Shapes the dashboard's figures for the charts (unit-tested).
import type { Dashboard, Platform } from "./ipc/commands";

export const CHANNELS: Platform[] = ["instagram", "messenger", "whatsapp", "website"];

/** "23 Nov" for a day number (days since the epoch, UTC). */
export function dayLabel(day: number): string {
  return new Date(day * 86_400_000).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** One count per day of the period for each channel (zeros where none). */
export function leadSeries(board: Dashboard): { labels: string[]; series: Record<Platform, number[]> } {
  const labels = Array.from({ length: board.days }, (_, i) => dayLabel(board.first_day + i));
  const series = Object.fromEntries(CHANNELS.map((c) => [c, new Array<number>(board.days).fill(0)])) as Record<Platform, number[]>;
  for (const row of board.leads) {
    const index = row.day - board.first_day;
    if (index >= 0 && index < board.days && series[row.platform]) series[row.platform][index] += row.leads;
  }
  return { labels, series };
}

function minutes(value: number): string {
  if (value < 1) return "under a minute";
  if (value < 90) return `${Math.round(value)} min`;
  if (value < 48 * 60) return `${(value / 60).toFixed(1)} h`;
  return `${(value / 1440).toFixed(1)} days`;
}

/** The sentence above the charts. */
export function dashboardSummary(board: Dashboard): string {
  const total = board.leads
    .filter((row) => row.day >= board.first_day && row.day < board.first_day + board.days)
    .reduce((sum, row) => sum + row.leads, 0);
  const leads = total === 1 ? "1 new lead" : `${total} new leads`;
  const reply =
    board.overall_median_first_reply_minutes === null
      ? "no replies yet"
      : `half of them answered within ${minutes(board.overall_median_first_reply_minutes)}`;
  const waiting = board.unanswered > 0 ? `; ${board.unanswered} still waiting for a first reply` : "";
  return `${leads} in the last ${board.days} days, ${reply}${waiting}.`;
}
