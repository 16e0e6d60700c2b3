/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter (50–100 %).
 * The notifications socket (portal/realtime.ts) and the live chat (shared/live/chatClient.ts) both retry with it. */
export function backoffDelay(attempt: number, minDelay: number, maxDelay: number, random: () => number): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}
