/** The dead-letter topics of the ranker, churn-watch and the alerter of one benchmark run (suffix: the fixture's), as their environment. */
export function serviceDlqTopics(suffix: string): Record<string, string> {
  return { CHURN_DLQ_TOPIC: `customer.churn-watch.dlq.${suffix}`, ALERTER_DLQ_TOPIC: `customer.alerter.dlq.${suffix}`, RANKER_DLQ_TOPIC: `customer.ranker.dlq.${suffix}` };
}
