package dev.tierflow.benchpeer;

/** The fields of one TransactionEvent the totals need (the record key is the customerId). */
public record Tx(long occurredAt, Kind kind, long amountMinor, long costMinor) {

  public enum Kind { CHARGE, REFUND, ADJUSTMENT, PAYMENT }

  /** Signed revenue: CHARGE adds, REFUND subtracts, ADJUSTMENT is signed, PAYMENT settles only. */
  public long revenue() {
    return switch (kind) {
      case CHARGE, ADJUSTMENT -> amountMinor;
      case REFUND -> -amountMinor;
      case PAYMENT -> 0;
    };
  }

  /** Cost of what was sold: a refund takes its cost back, a payment has none. */
  public long cost() {
    return switch (kind) {
      case CHARGE, ADJUSTMENT -> costMinor;
      case REFUND -> -costMinor;
      case PAYMENT -> 0;
    };
  }

  /** Payments settle a balance; they are not sales and do not count. */
  public boolean isSale() {
    return kind != Kind.PAYMENT;
  }
}
