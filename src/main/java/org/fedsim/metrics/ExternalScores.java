package org.fedsim.metrics;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The external sites' scores (sites held out of training, status {@code external} in metrics.csv) at each run's
 * last round, derived from metrics.csv alone.
 */
public final class ExternalScores {
  private ExternalScores() {}

  /** One external site's score at a run's last round. */
  public record Score(String site, int round, int rows, double accuracy, double auc) {}

  /** Run label → its external sites' scores at the last round they were scored, in file order. */
  public static Map<String, List<Score>> lastRound(String metricsCsv) {
    Map<String, List<Score>> out = new LinkedHashMap<>();
    try {
      for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
          .parse(new StringReader(metricsCsv))) {
        if (!r.get("status").equals(ResultsWriter.EXTERNAL)) continue;
        int round = Integer.parseInt(r.get("round"));
        List<Score> run = out.computeIfAbsent(r.get("run"), k -> new ArrayList<>());
        if (!run.isEmpty() && run.get(0).round() < round) run.clear(); // a later round replaces the earlier one
        run.add(new Score(r.get("site"), round, Integer.parseInt(r.get("n_val")), num(r.get("accuracy")),
            num(r.get("auc"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static double num(String s) {
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }
}
