/** Tunables with the defaults a community gets; operators override them through the engine's dependencies. */
export type EngineSettings = {
  /** Longest text a member may send (issue, response, reason), in characters. */
  maxTextLength: number;
  /** Commands one member may send within `floodWindowMs` before being asked to slow down. */
  floodLimit: number;
  floodWindowMs: number;
  /** How long raters have after a resolve before the outcome is decided. */
  ratingWindowDays: number;
  /** Dice similarity from which a new issue is pointed at an open one. */
  duplicateSimilarity: number;
  /** Longest follow-up deadline /assign accepts. */
  maxFollowUpDays: number;
  /** Tries of a failing inbound event before it is set aside as a dead letter. */
  maxInboxAttempts: number;
  /** Key of secret ballots' voter keys (BALLOT_SECRET); unset, the installation's own key in the database is used. */
  ballotSecret?: string;
};

export const defaultSettings: EngineSettings = {
  maxTextLength: 2000,
  floodLimit: 20,
  floodWindowMs: 60_000,
  ratingWindowDays: 7,
  duplicateSimilarity: 0.5,
  maxFollowUpDays: 365,
  maxInboxAttempts: 8,
};
