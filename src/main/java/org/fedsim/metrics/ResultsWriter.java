package org.fedsim.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.fedsim.server.SiteStatus;

/**
 * Writes a scenario's results into its output directory: {@code metrics.csv} (one row per site per round plus
 * {@code ALL}), {@code summary.json} and {@code resolved.conf}. Nothing half-written ever carries a final name:
 * rows go to {@code metrics.csv.partial} as rounds finish, and each file is moved into place atomically by
 * {@link #finish}. metrics.csv holds no wall-clock value, so the same scenario and seed give the same bytes.
 */
public final class ResultsWriter implements AutoCloseable, RunRows {
  public static final List<String> COLUMNS = List.of(
      "run", "round", "site", "participated", "n_train", "n_val", "accuracy", "auc", "loss", "epsilon", "status",
      "selected", "sim_ms", "drift", "drift_max", "cosine");
  public static final String ALL = "ALL";

  /** What summary.json says about one run. */
  public record RunSummary(String run, int rounds, double finalWeightedAccuracy, double finalWeightedAuc,
      double finalMinSiteAccuracy, double wallSeconds, Participation participation, double simulatedClockMillis,
      double finalEpsilon, double delta, String accountant, String stopReason, List<BaselineScores> baselines) {
    public RunSummary {
      baselines = baselines == null ? List.of() : List.copyOf(baselines); // null: a checkpoint from before baselines
    }

    /** The same summary with its privacy spend (largest cumulative ε of any site, at δ) and why it stopped early. */
    public RunSummary withPrivacy(double delta, String accountant, String stopReason) {
      return new RunSummary(run, rounds, finalWeightedAccuracy, finalWeightedAuc, finalMinSiteAccuracy, wallSeconds,
          participation, simulatedClockMillis, finalEpsilon, delta, accountant, stopReason, baselines);
    }

    /** The same summary with the run's baseline comparisons. */
    public RunSummary withBaselines(List<BaselineScores> scores) {
      return new RunSummary(run, rounds, finalWeightedAccuracy, finalWeightedAuc, finalMinSiteAccuracy, wallSeconds,
          participation, simulatedClockMillis, finalEpsilon, delta, accountant, stopReason, scores);
    }

    /** The summary of a finished run from its rounds. */
    public static RunSummary of(String run, List<RunEvent.RoundCompleted> rounds, double wallSeconds) {
      Participation p = Participation.NONE;
      for (RunEvent.RoundCompleted r : rounds) p = p.plus(r);
      return of(run, rounds.get(rounds.size() - 1), p, wallSeconds);
    }

    /** The summary of a finished run from its last round and what was tallied over all of them. */
    public static RunSummary of(String run, RunEvent.RoundCompleted last, Participation p, double wallSeconds) {
      SiteSummary all = SiteSummary.of(last.sites());
      return new RunSummary(run, last.round(), all.accuracy(), all.auc(), SiteSummary.minSiteAccuracy(last.sites()),
          wallSeconds, p, last.clockMillis(), all.epsilon(), Double.NaN, "", "", List.of());
    }
  }

  /**
   * Site-rounds over a run: how often sites were selected, how many of those updates were aggregated, and what
   * happened to the others.
   */
  public record Participation(int selected, int aggregated, int late, int dropped, int offline, int crashed,
      int rejected) {
    public static final Participation NONE = new Participation(0, 0, 0, 0, 0, 0, 0);

    /** These counts plus one round's. */
    public Participation plus(RunEvent.RoundCompleted r) {
      int[] n = {selected, aggregated, late, dropped, offline, crashed, rejected};
      for (SiteRound s : r.sites()) {
        if (!s.selected()) continue;
        n[0]++;
        if (s.participated()) n[1]++;
        switch (s.status()) {
          case LATE -> n[2]++;
          case DROPOUT -> n[3]++;
          case OFFLINE -> n[4]++;
          case CRASHED -> n[5]++;
          case REJECTED -> n[6]++;
          default -> { }
        }
      }
      return new Participation(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
    }
  }

  private final Path dir;
  private final Path partial;
  private final BufferedWriter out;
  private final CSVPrinter csv;
  private final List<RunSummary> summaries = new ArrayList<>();
  private boolean finished;

  public ResultsWriter(Path dir) {
    this(dir, null);
  }

  /** Go on writing after a checkpoint: rows of unfinished rounds are cut off, finished runs are kept. */
  public static ResultsWriter resume(Path dir, Checkpoint checkpoint) {
    return new ResultsWriter(dir, checkpoint);
  }

  private ResultsWriter(Path dir, Checkpoint from) {
    this.dir = dir;
    this.partial = dir.resolve("metrics.csv.partial");
    try {
      Files.createDirectories(dir);
      BufferedWriter out;
      CSVFormat.Builder format = CSVFormat.DEFAULT.builder().setRecordSeparator('\n');
      if (from == null) {
        out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
        format.setHeader(COLUMNS.toArray(String[]::new));
      } else {
        cutBack(partial, from.metricsBytes(), dir.resolve(Checkpoint.FILE), redo(dir));
        out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        summaries.addAll(from.finished());
      }
      this.out = out;
      this.csv = new CSVPrinter(out, format.get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results into " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * How to go on without {@code dir}'s checkpoint.json: --resume then starts metrics.csv.partial again, redoing from
   * round 1 every run without its own checkpoint in checkpoints/.
   */
  public static String redo(Path dir) {
    return "; to redo from round 1 every run without its own checkpoint in " + dir.resolve(RunCheckpoints.DIR)
        + ", delete " + dir.resolve(Checkpoint.FILE) + " and run fedsim run --resume " + dir + " again";
  }

  /**
   * Fails, naming {@code rows} and {@code checkpoint} ({@code redo}: the way out), unless {@code rows} holds at least
   * {@code bytes} (what {@code checkpoint} says was written, not negative: {@link Checkpoint#readFile} checks that).
   */
  static void checkRows(Path rows, long bytes, Path checkpoint, String redo) {
    long have;
    try {
      have = Files.exists(rows) ? Files.size(rows) : -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rows + ": " + e.getMessage(), e);
    }
    if (have < bytes) {
      throw new ScenarioException(checkpoint + " says " + bytes + " bytes of rows were written by its last round, but "
          + rows + (have < 0 ? " is missing" : " holds " + have) + redo);
    }
  }

  /** {@code rows} cut back to the {@code bytes} its checkpoint {@code checkpoint} counts ({@link #checkRows}). */
  static void cutBack(Path rows, long bytes, Path checkpoint, String redo) throws IOException {
    checkRows(rows, bytes, checkpoint, redo);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(rows,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(bytes);
    }
  }

  /** The summaries of the runs finished so far. */
  public List<RunSummary> finished() {
    return List.copyOf(summaries);
  }

  /** After a round's rows: record where the run stands, so that --resume can go on from here. */
  @Override
  public void checkpoint(String scenario, RunEvent.RoundCompleted round, String run, Participation participation,
      double wallSeconds) {
    checkpoint(Checkpoint.after(scenario, summaries, run, round, participation, wallSeconds, 0));
  }

  /**
   * After the rows of a run side by side were copied in and its summary added: {@code run}, that run's own last
   * checkpoint, becomes the directory's (with the finished runs and the bytes of metrics.csv.partial so far).
   */
  public void checkpoint(Checkpoint run) {
    try {
      csv.flush();
      run.with(summaries, Files.size(partial)).writeTo(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint into " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes resolved.conf (the scenario as it runs) now, so that an interrupted run can be resumed. */
  public void resolved(String resolvedConf) {
    try {
      writeAtomically(dir.resolve("resolved.conf"), resolvedConf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("resolved.conf") + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** Append one round's rows (flushed, so a long sweep's progress is on disk). */
  @Override
  public void round(String run, RunEvent.RoundCompleted r) {
    printRound(csv, run, r);
  }

  /** One round's rows (every site, then {@code ALL}) into {@code csv}, flushed. */
  static void printRound(CSVPrinter csv, String run, RunEvent.RoundCompleted r) {
    try {
      for (SiteRound s : r.sites()) {
        csv.printRecord(run, r.round(), s.site(), s.participated() ? 1 : 0, s.numTrain(), s.numValidation(),
            num(s.accuracy()), num(s.auc()), num(s.loss()), plain(s.epsilon()), s.statusLabel(), s.selected() ? 1 : 0,
            millis(s.simulatedMillis()), num(s.drift()), "", num(s.cosine()));
      }
      SiteSummary all = SiteSummary.of(r.sites());
      Drift drift = Drift.of(r.sites());
      csv.printRecord(run, r.round(), ALL, all.participated(), all.numTrain(), all.numValidation(),
          num(all.accuracy()), num(all.auc()), num(all.loss()), plain(all.epsilon()), r.decision(), r.selected(),
          millis(r.simulatedMillis()), num(drift.mean()), num(drift.max()), num(drift.meanCosine()));
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Client drift of a round: mean and max ‖w_i − w_global‖ over the accepted updates (status trained: valid and in
   * time, whether or not a selecting rule such as Krum then chose them), and their mean cosine with the aggregate
   * change (NaN when there were none, or it is undefined for all).
   */
  public record Drift(double mean, double max, double meanCosine) {
    public static Drift of(List<SiteRound> sites) {
      double sum = 0;
      double max = Double.NaN;
      int n = 0;
      double cosines = 0;
      int c = 0;
      for (SiteRound s : sites) {
        if (s.status() != SiteStatus.TRAINED) continue;
        if (!Double.isNaN(s.drift())) {
          sum += s.drift();
          max = n == 0 ? s.drift() : Math.max(max, s.drift());
          n++;
        }
        if (!Double.isNaN(s.cosine())) {
          cosines += s.cosine();
          c++;
        }
      }
      return new Drift(n == 0 ? Double.NaN : sum / n, max, c == 0 ? Double.NaN : cosines / c);
    }
  }

  /** Status of an external site's rows in metrics.csv. */
  public static final String EXTERNAL = "external";

  /**
   * Append a round's external-site rows (after its site and ALL rows): the global model scored on every row of a
   * site held out of training; n_train 0, not selected, status {@value #EXTERNAL}.
   */
  @Override
  public void external(String run, int round, List<ExperimentRunner.ExternalEvaluation> external) {
    printExternal(csv, run, round, external);
  }

  /** A round's external-site rows into {@code csv}, flushed. */
  static void printExternal(CSVPrinter csv, String run, int round,
      List<ExperimentRunner.ExternalEvaluation> external) {
    try {
      for (ExperimentRunner.ExternalEvaluation e : external) {
        csv.printRecord(run, round, e.site(), 0, 0, e.rows(), num(e.accuracy()), num(e.auc()), num(e.loss()), "",
            EXTERNAL, 0, "", "", "", "");
      }
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends, as they are, the rows a run side by side wrote into its own file ({@link RunCheckpoints}): its turn in
   * the sweep's order has come.
   */
  public void rowsFrom(Path runRows) {
    try {
      csv.flush();
      try (java.io.Reader in = Files.newBufferedReader(runRows, StandardCharsets.UTF_8)) {
        in.transferTo(out);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + runRows + " into " + partial + ": " + e.getMessage(), e);
    }
  }

  public void runFinished(RunSummary summary) {
    summaries.add(summary);
  }

  /** Close metrics.csv and move every file into place; {@code resolvedConf} is the scenario as it ran. */
  public void finish(String scenario, String resolvedConf) {
    try {
      csv.close();
      String rows = Files.readString(partial, StandardCharsets.UTF_8);
      List<Fairness.Round> fairness = Fairness.of(rows);
      Map<String, List<ExternalScores.Score>> external = ExternalScores.lastRound(rows);
      writeAtomically(dir.resolve(Fairness.FILE), Fairness.csv(fairness));
      if (summaries.stream().anyMatch(x -> !x.baselines().isEmpty())) {
        writeAtomically(dir.resolve(BASELINES_FILE), baselinesCsv());
      }
      // metrics.csv last: its presence is what says "finished" (and what --resume refuses)
      writeAtomically(dir.resolve("summary.json"), summaryJson(scenario, fairness, external));
      writeAtomically(dir.resolve("resolved.conf"), resolvedConf);
      // every run is in metrics.csv.partial by now: killed after this, --resume finds them all finished
      RunCheckpoints.removeAll(dir);
      Files.move(partial, dir.resolve("metrics.csv"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(dir.resolve(Checkpoint.FILE));
      finished = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish results in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Per-site baseline scores of every run (written when a scenario asks for baselines). */
  public static final String BASELINES_FILE = "baselines.csv";
  public static final List<String> BASELINE_COLUMNS =
      List.of("run", "method", "site", "n_train", "n_val", "accuracy", "auc", "loss");

  private String baselinesCsv() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(sb, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
        .setHeader(BASELINE_COLUMNS.toArray(String[]::new)).get())) {
      for (RunSummary s : summaries) {
        for (BaselineScores b : s.baselines()) {
          for (BaselineScores.SiteScore x : b.sites()) {
            p.printRecord(s.run(), b.method(), x.site(), x.nTrain(), x.nVal(), num(x.accuracy()), num(x.auc()),
                num(x.loss()));
          }
        }
      }
    }
    return sb.toString();
  }

  private String summaryJson(String scenario, List<Fairness.Round> fairness,
      Map<String, List<ExternalScores.Score>> external) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("scenario", scenario);
    ArrayNode runs = root.putArray("runs");
    for (RunSummary s : summaries) {
      ObjectNode n = runs.addObject();
      n.put("run", s.run());
      n.put("rounds", s.rounds());
      putNumber(n, "final_weighted_accuracy", s.finalWeightedAccuracy());
      putNumber(n, "final_weighted_auc", s.finalWeightedAuc());
      putNumber(n, "final_min_site_accuracy", s.finalMinSiteAccuracy());
      n.put("wall_seconds", Math.round(s.wallSeconds() * 1000) / 1000.0);
      n.put("simulated_clock_ms", Double.parseDouble(millis(s.simulatedClockMillis())));
      if (!Double.isNaN(s.finalEpsilon())) {
        n.put("final_epsilon", s.finalEpsilon());
        n.put("delta", s.delta());
        n.put("accountant", s.accountant());
      }
      if (s.stopReason() != null && !s.stopReason().isEmpty()) n.put("stopped", s.stopReason());
      ObjectNode p = n.putObject("participation");
      p.put("selected", s.participation().selected());
      p.put("aggregated", s.participation().aggregated());
      p.put("late", s.participation().late());
      p.put("dropped", s.participation().dropped());
      p.put("offline", s.participation().offline());
      p.put("crashed", s.participation().crashed());
      p.put("rejected", s.participation().rejected());
      if (!s.baselines().isEmpty()) {
        ObjectNode b = n.putObject("baselines");
        for (BaselineScores scores : s.baselines()) {
          ObjectNode m = b.putObject(scores.method());
          putNumber(m, "mean_accuracy", scores.meanAccuracy());
          putNumber(m, "sd_accuracy", scores.sdAccuracy());
          putNumber(m, "weighted_accuracy", scores.weightedAccuracy());
          putNumber(m, "mean_auc", scores.meanAuc());
          m.put("sites", scores.sites().size());
        }
      }
      Fairness.putSummary(n, fairness.stream().filter(f -> f.run().equals(s.run())).toList());
      List<ExternalScores.Score> ext = external.getOrDefault(s.run(), List.of());
      if (!ext.isEmpty()) {
        ArrayNode e = n.putArray("external");
        for (ExternalScores.Score x : ext) {
          ObjectNode site = e.addObject();
          site.put("site", x.site());
          site.put("rows", x.rows());
          putNumber(site, "accuracy", x.accuracy());
          putNumber(site, "auc", x.auc());
        }
      }
    }
    return mapper.writeValueAsString(root) + "\n";
  }

  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) n.putNull(field);
    else n.put(field, Double.parseDouble(num(v)));
  }

  /** Write to a temporary file in the same directory, then rename over the target. */
  public static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      readableByAll(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** rw-r--r-- where the file system has POSIX permissions (a temporary file starts as rw-------). */
  public static void readableByAll(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
  }

  /** Simulated milliseconds, to 0.001 ms (empty when unknown). */
  static String millis(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String plain(double v) {
    return Double.isNaN(v) ? "" : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** Leaves {@code metrics.csv.partial} behind (clearly named) when the run did not finish. */
  @Override
  public void close() {
    if (finished) return;
    try {
      csv.close();
    } catch (IOException ignored) {
      // the partial file is all that is left of an interrupted run
    }
  }
}
