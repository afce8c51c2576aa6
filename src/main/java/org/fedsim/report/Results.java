package org.fedsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.fedsim.metrics.Fairness;
import org.fedsim.metrics.ResultsWriter;

/**
 * A finished results directory read back: metrics.csv, summary.json, resolved.conf and, when present,
 * baselines.csv. Fairness is recomputed from metrics.csv (it is derived from it).
 */
public record Results(Path dir, String scenario, String resolvedConf, List<Row> metrics, JsonNode summary,
    List<BaselineRow> baselines, List<Fairness.Round> fairness) {

  /** One line of metrics.csv. */
  public record Row(String run, int round, String site, boolean participated, int nTrain, int nVal, double accuracy,
      double auc, double loss, double epsilon, String status, boolean selected) {
    public boolean all() {
      return site.equals(ResultsWriter.ALL);
    }

    public boolean external() {
      return status.equals(ResultsWriter.EXTERNAL);
    }
  }

  /** One line of baselines.csv. */
  public record BaselineRow(String run, String method, String site, int nTrain, int nVal, double accuracy) {}

  /** Reads {@code dir}; a missing or malformed file is a {@link ReportException} naming it. */
  public static Results read(Path dir) {
    Path metrics = dir.resolve("metrics.csv");
    Path summary = dir.resolve("summary.json");
    if (!Files.isRegularFile(metrics) || !Files.isRegularFile(summary)) {
      throw new ReportException(dir + " holds no finished results (metrics.csv and summary.json): run a scenario "
          + "into it first, or wait until it has finished");
    }
    Path reading = metrics; // the file a failure is about
    long[] line = {0};
    try {
      String metricsText = Files.readString(metrics, StandardCharsets.UTF_8);
      List<Row> rows = new ArrayList<>();
      Map<List<Object>, Long> seen = new HashMap<>(); // (run, round, site) -> its line
      for (CSVRecord r : parse(metricsText, metrics)) {
        line[0] = r.getRecordNumber() + 1;
        if (!r.isConsistent()) {
          throw new ReportException("cannot read " + metrics + ":" + line[0] + ": expected " + r.getParser()
              .getHeaderNames().size() + " columns, got " + r.size() + " (the file is cut short or damaged)");
        }
        Long first = seen.putIfAbsent(List.of(r.get("run"), r.get("round"), r.get("site")), line[0]);
        if (first != null) {
          throw new ReportException("cannot read " + metrics + ":" + line[0] + ": run " + r.get("run") + ", round "
              + r.get("round") + ", site " + r.get("site") + " again (first at line " + first + "): the file is "
              + "damaged (were two fedsim writing into " + dir + "?)");
        }
        rows.add(new Row(r.get("run"), Integer.parseInt(r.get("round")), r.get("site"), !r.get("participated")
            .equals("0"), Integer.parseInt(r.get("n_train")), Integer.parseInt(r.get("n_val")), num(r.get("accuracy")),
            num(r.get("auc")), num(r.get("loss")), num(r.get("epsilon")), r.get("status"), !r.get("selected")
            .equals("0")));
      }
      line[0] = 0;
      reading = summary;
      JsonNode json = new ObjectMapper().readTree(summary.toFile());
      checkRounds(metrics, rows, json);
      Path conf = dir.resolve("resolved.conf");
      String resolved = Files.isRegularFile(conf) ? Files.readString(conf, StandardCharsets.UTF_8) : "";
      List<BaselineRow> baselines = new ArrayList<>();
      Path b = dir.resolve(ResultsWriter.BASELINES_FILE);
      if (Files.isRegularFile(b)) {
        reading = b;
        for (CSVRecord r : parse(Files.readString(b, StandardCharsets.UTF_8), b)) {
          line[0] = r.getRecordNumber() + 1;
          baselines.add(new BaselineRow(r.get("run"), r.get("method"), r.get("site"), Integer.parseInt(r.get("n_train")),
              Integer.parseInt(r.get("n_val")), num(r.get("accuracy"))));
        }
      }
      return new Results(dir, json.path("scenario").asText(""), resolved, List.copyOf(rows), json,
          List.copyOf(baselines), Fairness.of(metricsText));
    } catch (IOException | RuntimeException e) {
      if (e instanceof ReportException re) throw re;
      String where = line[0] > 0 ? reading + ":" + line[0] : reading.toString();
      String what = e instanceof NumberFormatException ? "not a number (" + e.getMessage() + ")" : e.getMessage();
      throw new ReportException("cannot read " + where + ": " + what, e);
    }
  }

  /**
   * Each run's rounds in metrics.csv are 1, 2, ... with none missing, as many as summary.json says it ran: a damaged
   * file is refused, not drawn.
   */
  private static void checkRounds(Path metrics, List<Row> rows, JsonNode summary) {
    Map<String, java.util.TreeSet<Integer>> rounds = new java.util.LinkedHashMap<>();
    for (Row r : rows) rounds.computeIfAbsent(r.run(), k -> new java.util.TreeSet<>()).add(r.round());
    Map<String, Integer> summarised = new HashMap<>();
    for (JsonNode run : summary.path("runs")) summarised.put(run.path("run").asText(), run.path("rounds").asInt(-1));
    for (Map.Entry<String, java.util.TreeSet<Integer>> e : rounds.entrySet()) {
      int expected = 1;
      for (int round : e.getValue()) {
        if (round != expected) {
          throw new ReportException("cannot read " + metrics + ": run " + e.getKey() + " has no rows for round "
              + (expected == round - 1 ? "" + expected : expected + "-" + (round - 1))
              + " (the file is damaged)");
        }
        expected++;
      }
      Integer said = summarised.get(e.getKey());
      if (said != null && said >= 0 && said != e.getValue().size()) {
        throw new ReportException("cannot read " + metrics + ": run " + e.getKey() + " has " + e.getValue().size()
            + " rounds, summary.json says " + said + " (the results files do not belong together)");
      }
    }
  }

  private static Iterable<CSVRecord> parse(String text, Path file) throws IOException {
    try (Reader r = new java.io.StringReader(text)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ReportException(file + ": " + e.getMessage(), e);
    }
  }

  private static double num(String s) {
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }

  /** Run labels in the order of metrics.csv. */
  public List<String> runs() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (Row r : metrics) out.add(r.run());
    return List.copyOf(out);
  }

  /** The rows of one run. */
  public List<Row> rows(String run) {
    return metrics.stream().filter(r -> r.run().equals(run)).toList();
  }

  /** summary.json's object for a run (a missing node when absent). */
  public JsonNode runSummary(String run) {
    for (JsonNode n : summary.path("runs")) if (n.path("run").asText().equals(run)) return n;
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** A run label's axes: {@code epsilon=0.1,seed=2} → {epsilon: 0.1, seed: 2}; a run without a sweep → {seed: 1}. */
  public static Map<String, String> axes(String label) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : label.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) out.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return out;
  }
}
