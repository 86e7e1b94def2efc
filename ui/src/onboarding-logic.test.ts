import { describe, expect, it } from "vitest";
import { onboardingSteps } from "./onboarding-logic";
import type { InboxStatus } from "./ipc/commands";

const status = (over: Partial<InboxStatus>): InboxStatus => ({
  vault: { state: "open" },
  sync: { state: "online" },
  business_name: "Ana's Salon",
  relay_url: "https://relay.example.com",
  data_dir: "/home/ana/.local/share/app.leadbox.desktop",
  recovery_code: null,
  ...over,
});

describe("onboardingSteps", () => {
  it("asks how to begin, and nothing else, when there is no inbox yet", () => {
    expect(onboardingSteps(status({ vault: { state: "not_set_up" }, relay_url: null }))).toEqual(["start"]);
  });
  it("shows a new inbox's recovery code, then the whole setup", () => {
    const steps = onboardingSteps(status({ recovery_code: "abcd-ef01", relay_url: null }));
    expect(steps[0]).toBe("recovery");
    expect(steps.slice(1)).toEqual(["relay", "profile", "channels", "replies", "retention", "notifications"]);
  });
  it("stops after the recovery code for a restored, already paired inbox", () => {
    expect(onboardingSteps(status({ recovery_code: "abcd-ef01" }))).toEqual(["recovery"]);
  });
  it("offers nothing to a paired inbox whose code was confirmed, or to a locked one", () => {
    expect(onboardingSteps(status({}))).toEqual([]);
    expect(onboardingSteps(status({ vault: { state: "locked", message: "x", key_missing: true }, relay_url: null }))).toEqual([]);
  });
});
