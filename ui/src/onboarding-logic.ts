// Which first-start steps the owner still has in front of them.
import type { InboxStatus } from "./ipc/commands";

export type OnboardingStep =
  | "start"
  | "recovery"
  | "relay"
  | "profile"
  | "channels"
  | "replies"
  | "retention"
  | "notifications";

const SETUP: OnboardingStep[] = ["relay", "profile", "channels", "replies", "retention", "notifications"];

/**
 * The steps left for this status: choosing a new inbox or a backup when there
 * is none; then the recovery code while it is unconfirmed, and the setup while
 * the computer is not paired. A locked inbox needs its recovery code first.
 */
export function onboardingSteps(status: InboxStatus): OnboardingStep[] {
  if (status.vault.state === "locked") return [];
  if (status.vault.state === "not_set_up") return ["start"];
  const steps: OnboardingStep[] = [];
  if (status.recovery_code) steps.push("recovery");
  // The pairing itself, not the sync state, which trails it by a moment.
  if (status.relay_url === null) steps.push(...SETUP);
  return steps;
}
