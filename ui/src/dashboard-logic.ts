// Shapes the dashboard's figures for the charts (unit-tested).
import { m } from "./paraglide/messages";
import { formatLocale, oneDecimal } from "./i18n.svelte";
import type { Dashboard, Platform } from "./ipc/commands";

export const CHANNELS: Platform[] = ["instagram", "messenger", "whatsapp", "website"];

/** "23 Nov" for a day number (days since the epoch, UTC). */
export function dayLabel(day: number): string {
  return new Date(day * 86_400_000).toLocaleDateString(formatLocale(), { day: "numeric", month: "short", timeZone: "UTC" });
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
  if (value < 1) return m.minutes_under_one();
  if (value < 90) return `${Math.round(value)} min`;
  if (value < 48 * 60) return `${oneDecimal(value / 60)} h`;
  return m.duration_days({ days: oneDecimal(value / 1440) });
}

/** The sentence above the charts. */
export function dashboardSummary(board: Dashboard): string {
  const total = board.leads
    .filter((row) => row.day >= board.first_day && row.day < board.first_day + board.days)
    .reduce((sum, row) => sum + row.leads, 0);
  const reply =
    board.overall_median_first_reply_minutes === null
      ? m.dashboard_no_replies()
      : m.dashboard_half_within({ time: minutes(board.overall_median_first_reply_minutes) });
  const waiting = board.unanswered > 0 ? m.dashboard_waiting({ count: board.unanswered }) : "";
  return m.dashboard_summary({ count: total, days: board.days, reply, waiting });
}
