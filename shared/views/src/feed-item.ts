/** One item of the live feed: a tier change or a churn risk, with the region of its customer. */
export interface FeedItem {
  type: 'tier-change' | 'churn-risk';
  /** the decoded Avro record */
  event: Record<string, unknown>;
  /** the customer's region from its profile (null when unknown), for regional views */
  region: string | null;
  /** the scope the event belongs to ("global", "region:<name>"); churn risks are global */
  scope: string;
  receivedAt: number;
  /** the customer's name from its profile (null when unknown) */
  name?: string | null;
  /** the event in words (feed-explanation.ts), null when it could not be built */
  explanation?: string | null;
}
