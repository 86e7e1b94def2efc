import { describe, expect, it } from "vitest";
import { periodOptions, retentionForm, retentionPolicy } from "./retention-logic";
import type { RetentionPolicy } from "./ipc/commands";

describe("the retention form", () => {
  it("round-trips a policy with channel overrides, including never", () => {
    const policy: RetentionPolicy = {
      delete_inactive_after_days: 90,
      per_channel: { whatsapp: 30, messenger: null },
      sanitize_bodies_after_days: null,
      keep_leads_days: 365,
    };
    const form = retentionForm(policy);
    expect(form.channels).toEqual({ instagram: "default", messenger: "never", whatsapp: "30", website: "default" });
    expect(form.sanitize).toBe("never");
    expect(retentionPolicy(form)).toEqual(policy);
  });

  it("drops a channel set back to the general period", () => {
    const form = retentionForm({ delete_inactive_after_days: null, per_channel: { website: 7 }, sanitize_bodies_after_days: 30, keep_leads_days: null });
    form.channels.website = "default";
    expect(retentionPolicy(form)).toEqual({
      delete_inactive_after_days: null,
      per_channel: {},
      sanitize_bodies_after_days: 30,
      keep_leads_days: null,
    });
  });

  it("offers a period set with the CLI alongside the usual ones", () => {
    expect(periodOptions([30, 90], "45")).toEqual([30, 45, 90]);
    expect(periodOptions([30, 90], "90")).toEqual([30, 90]);
    expect(periodOptions([30, 90], "never")).toEqual([30, 90]);
    expect(periodOptions([30, 90], "default")).toEqual([30, 90]);
  });
});
