package org.fedsim.etl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one pass over chartevents saw: row counts for the funnel and the throughput. */
final class ChartStats {
  static final int MAX_EXAMPLES = 10;

  long bytes; // uncompressed bytes consumed, header included
  long lines; // physical lines, header included
  long rows; // data records (blank lines excluded)
  long selected; // rows with a wanted itemid
  long nullValue; // ... whose valuenum was empty
  long unknownSubject; // ... whose subject is not in admissions
  final long[] used = new long[Feature.values().length]; // in range, added to a patient's mean
  final long[] outOfRange = new long[Feature.values().length];
  final Map<String, Long> bad = new LinkedHashMap<>(); // skipped bad rows by reason
  final List<String> badExamples = new ArrayList<>(); // "line N: reason" (no values)
  boolean truncated;
  String truncation; // the gzip error, when truncated

  long usedTotal() {
    long t = 0;
    for (long u : used) t += u;
    return t;
  }

  long badTotal() {
    long t = 0;
    for (long b : bad.values()) t += b;
    return t;
  }

  void bad(String reason, long line) {
    bad.merge(reason, 1L, Long::sum);
    if (badExamples.size() < MAX_EXAMPLES) badExamples.add("line " + line + ": " + reason);
  }
}
