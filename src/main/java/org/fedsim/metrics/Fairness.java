package org.fedsim.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Per-site fairness of every round (seed 001: report per site, judge by the minimum site, flag sites more than 2 SD
 * below the mean of sites): derived from metrics.csv alone, so {@code fedsim report} and a resumed run compute the
 * same. Over the training sites that were scored this round (n_val &gt; 0, accuracy present; not {@code ALL}, not
 * external sites): the unweighted mean and population SD of their accuracies, the minimum site, the max − min gap,
 * and the sites whose accuracy is below mean − 2·SD (none when SD is 0).
 */
public final class Fairness {
  public static final String FILE = "fairness.csv";
  public static final List<String> COLUMNS = List.of("run", "round", "sites", "mean_accuracy", "sd_accuracy",
      "min_site", "min_accuracy", "max_accuracy", "gap", "min_auc", "flagged");
  static final double FLAG_SDS = 2.0;

  private Fairness() {}

  /** One round's fairness; {@code flagged} in site order. */
  public record Round(String run, int round, int sites, double mean, double sd, String minSite, double min,
      double max, double minAuc, List<String> flagged) {
    public double gap() {
      return max - min;
    }
  }

  /** Every round of every run in {@code metricsCsv} (the text of metrics.csv), in file order. */
  public static List<Round> of(String metricsCsv) {
    Map<String, List<CSVRecord>> byRound = new LinkedHashMap<>();
    try {
      for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
          .parse(new StringReader(metricsCsv))) {
        String site = r.get("site");
        if (site.equals(ResultsWriter.ALL) || r.get("status").equals(ResultsWriter.EXTERNAL)) continue;
        if (r.get("accuracy").isEmpty() || Integer.parseInt(r.get("n_val")) == 0) continue;
        byRound.computeIfAbsent(r.get("run") + "\u0000" + r.get("round"), k -> new ArrayList<>()).add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Round> out = new ArrayList<>();
    for (List<CSVRecord> rows : byRound.values()) out.add(round(rows));
    return out;
  }

  private static Round round(List<CSVRecord> rows) {
    double[] acc = rows.stream().mapToDouble(r -> Double.parseDouble(r.get("accuracy"))).toArray();
    double mean = BaselineScores.Stats.mean(acc);
    double sd = BaselineScores.Stats.sd(acc);
    int argmin = 0;
    double max = acc[0];
    double minAuc = Double.NaN;
    List<String> flagged = new ArrayList<>();
    for (int i = 0; i < acc.length; i++) {
      if (acc[i] < acc[argmin]) argmin = i;
      max = Math.max(max, acc[i]);
      String auc = rows.get(i).get("auc");
      if (!auc.isEmpty()) minAuc = Double.isNaN(minAuc) ? Double.parseDouble(auc) : Math.min(minAuc, Double.parseDouble(auc));
      if (sd > 0 && acc[i] < mean - FLAG_SDS * sd) flagged.add(rows.get(i).get("site"));
    }
    CSVRecord first = rows.get(0);
    return new Round(first.get("run"), Integer.parseInt(first.get("round")), acc.length, mean, sd,
        rows.get(argmin).get("site"), acc[argmin], max, minAuc, List.copyOf(flagged));
  }

  /** fairness.csv: one row per run and round; flagged sites separated by {@code ;}. */
  public static String csv(List<Round> rounds) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(sb, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
        .setHeader(COLUMNS.toArray(String[]::new)).get())) {
      for (Round r : rounds) {
        p.printRecord(r.run(), r.round(), r.sites(), ResultsWriter.num(r.mean()), ResultsWriter.num(r.sd()),
            r.minSite(), ResultsWriter.num(r.min()), ResultsWriter.num(r.max()), ResultsWriter.num(r.gap()),
            ResultsWriter.num(r.minAuc()), String.join(";", r.flagged()));
      }
    }
    return sb.toString();
  }

  /**
   * A run's fairness in summary.json: its last round's mean, SD, minimum site, gap and flagged sites, and every
   * site flagged in any round with how many rounds.
   */
  static void putSummary(ObjectNode run, List<Round> rounds) {
    if (rounds.isEmpty()) return;
    ObjectNode f = run.putObject("fairness");
    Round last = rounds.get(rounds.size() - 1);
    f.put("rule", "accuracy below mean - 2 SD of the sites (population SD, unweighted), every round");
    f.put("final_round", last.round());
    putNumber(f, "final_mean_accuracy", last.mean());
    putNumber(f, "final_sd_accuracy", last.sd());
    f.put("final_min_site", last.minSite());
    putNumber(f, "final_min_accuracy", last.min());
    putNumber(f, "final_gap", last.gap());
    ArrayNode flaggedFinal = f.putArray("final_flagged");
    last.flagged().forEach(flaggedFinal::add);
    Map<String, Integer> count = new TreeMap<>();
    for (Round r : rounds) for (String site : r.flagged()) count.merge(site, 1, Integer::sum);
    ArrayNode flagged = f.putArray("flagged_sites");
    count.keySet().forEach(flagged::add);
    ObjectNode perSite = f.putObject("flagged_rounds");
    count.forEach(perSite::put);
  }

  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) n.putNull(field);
    else n.put(field, Double.parseDouble(ResultsWriter.num(v)));
  }
}
