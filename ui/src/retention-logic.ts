// The retention form's choices as the vault's policy, and back (unit-tested).
import type { Platform, RetentionPolicy } from "./ipc/commands";

/** `"never"`, a number of days, or for a channel `"default"` (the general period). */
export type PeriodChoice = string;

export const periodChoice = (days: number | null): PeriodChoice => (days === null ? "never" : String(days));
export const periodDays = (choice: PeriodChoice): number | null => (choice === "never" ? null : Number(choice));

export interface RetentionForm {
  inactive: PeriodChoice;
  sanitize: PeriodChoice;
  leads: PeriodChoice;
  channels: Record<Platform, PeriodChoice>;
}

export const CHANNELS: Platform[] = ["instagram", "messenger", "whatsapp", "website"];

export function retentionForm(policy: RetentionPolicy): RetentionForm {
  const channels = {} as Record<Platform, PeriodChoice>;
  for (const channel of CHANNELS) {
    channels[channel] = channel in policy.per_channel ? periodChoice(policy.per_channel[channel] ?? null) : "default";
  }
  return {
    inactive: periodChoice(policy.delete_inactive_after_days),
    sanitize: periodChoice(policy.sanitize_bodies_after_days),
    leads: periodChoice(policy.keep_leads_days),
    channels,
  };
}

export function retentionPolicy(form: RetentionForm): RetentionPolicy {
  const per_channel: RetentionPolicy["per_channel"] = {};
  for (const channel of CHANNELS) {
    const choice = form.channels[channel];
    if (choice !== "default") per_channel[channel] = periodDays(choice);
  }
  return {
    delete_inactive_after_days: periodDays(form.inactive),
    per_channel,
    sanitize_bodies_after_days: periodDays(form.sanitize),
    keep_leads_days: periodDays(form.leads),
  };
}

/** The offered periods, plus the current one if it was set elsewhere (the CLI). */
export function periodOptions(offered: number[], current: PeriodChoice): number[] {
  const days = periodDays(current);
  if (days === null || Number.isNaN(days) || offered.includes(days)) return offered;
  return [...offered, days].sort((a, b) => a - b);
}
