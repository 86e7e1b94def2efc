import { describe, expect, it } from "vitest";
import { dashboardSummary, dayLabel, leadSeries } from "./dashboard-logic";
import type { Dashboard } from "./ipc/commands";

const board: Dashboard = {
  first_day: 20_000,
  days: 3,
  leads: [
    { day: 20_000, platform: "instagram", leads: 2 },
    { day: 20_002, platform: "whatsapp", leads: 1 },
    { day: 19_000, platform: "instagram", leads: 9 },
  ],
  median_first_reply_minutes: [12, null, 3],
  overall_median_first_reply_minutes: 7.5,
  unanswered: 1,
};

describe("leadSeries", () => {
  it("fills every day of every channel, ignoring rows outside the period", () => {
    const { labels, series } = leadSeries(board);
    expect(labels).toEqual([dayLabel(20_000), dayLabel(20_001), dayLabel(20_002)]);
    expect(series.instagram).toEqual([2, 0, 0]);
    expect(series.whatsapp).toEqual([0, 0, 1]);
    expect(series.website).toEqual([0, 0, 0]);
  });
});

describe("dashboardSummary", () => {
  it("says how many, how fast and how many wait", () => {
    expect(dashboardSummary(board)).toBe(
      "3 new leads in the last 3 days, half of them answered within 8 min; 1 still waiting for a first reply.",
    );
  });
  it("handles an empty period", () => {
    expect(dashboardSummary({ ...board, leads: [], overall_median_first_reply_minutes: null, unanswered: 0 })).toBe(
      "0 new leads in the last 3 days, no replies yet.",
    );
  });
});

describe("dayLabel", () => {
  it("is the UTC date", () => {
    expect(dayLabel(0)).toBe("1 Jan");
  });
});
