package org.fedsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.fedsim.metrics.Fairness;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.report.Figures.Figure;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a results directory's figures (PNG files under {@code figures/}) and one self-contained
 * {@code report.html} (figures embedded as data URIs, no external resource) from its results files alone, so
 * {@code fedsim report DIR} gives the same as the run that wrote them. Per-run figures (per-site accuracy,
 * participation) are drawn for the runs of the sweep's first seed, at most {@value #MAX_RUN_FIGURES}.
 */
public final class Report {
  private static final Logger log = LoggerFactory.getLogger(Report.class);
  public static final String HTML = "report.html";
  public static final String FIGURES = "figures";
  static final int MAX_RUN_FIGURES = 12;

  private Report() {}

  /** What was written: the report and the figure files. */
  public record Written(Path html, List<Path> figures) {}

  public static Written write(Path dir) {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    long start = System.nanoTime();
    Results results = Results.read(dir);
    List<Figure> figures = figures(results);
    try {
      Path figDir = dir.resolve(FIGURES);
      Files.createDirectories(figDir);
      List<Path> files = new ArrayList<>();
      for (Figure f : figures) {
        Path target = figDir.resolve(f.file());
        Path tmp = Files.createTempFile(figDir, "." + f.file(), ".tmp");
        Files.write(tmp, f.png());
        ResultsWriter.readableByAll(tmp);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        files.add(target);
      }
      Path html = dir.resolve(HTML);
      ResultsWriter.writeAtomically(html, html(results, figures));
      log.info("report: {} figures and {} in {} ms", figures.size(), html, (System.nanoTime() - start) / 1_000_000);
      return new Written(html, files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
    }
  }

  // ---- which figures ----

  /** The runs that get per-run figures: those of the first seed of the sweep, at most MAX_RUN_FIGURES. */
  static List<String> featuredRuns(Results r) {
    List<String> runs = r.runs();
    if (runs.isEmpty()) return runs;
    String firstSeed = Results.axes(runs.get(0)).get("seed");
    List<String> out = new ArrayList<>();
    for (String run : runs) {
      if (out.size() == MAX_RUN_FIGURES) break;
      if (firstSeed == null || firstSeed.equals(Results.axes(run).get("seed"))) out.add(run);
    }
    return out;
  }

  static List<Figure> figures(Results r) {
    List<Figure> out = new ArrayList<>();
    List<String> featured = featuredRuns(r);
    int i = 0;
    for (String run : featured) {
      i++;
      out.add(new Figure(String.format(Locale.ROOT, "site-accuracy-%02d.png", i),
          "Per-site accuracy by round (weighted mean in bold), run " + run,
          Figures.png(Figures.siteAccuracy(run, r.rows(run)))));
    }
    JFreeChart eps = Figures.accuracyVsEpsilon(epsilonPoints(r), noDp(r));
    if (eps != null) {
      out.add(new Figure("accuracy-vs-epsilon.png", "Final weighted accuracy against ε (log axis); band: lowest to "
          + "highest seed", Figures.png(eps)));
    }
    for (Map.Entry<String, List<Figures.BaselineBar>> split : baselineBars(r).entrySet()) {
      String name = split.getKey().isEmpty() ? "baselines.png" : "baselines-" + fileSafe(split.getKey()) + ".png";
      out.add(new Figure(name, "Local-only vs federated vs centralized by number of clients"
          + (split.getKey().isEmpty() ? "" : ", " + split.getKey()), Figures.png(Figures.baselines(split.getKey(),
          split.getValue()))));
    }
    i = 0;
    for (String run : featured) {
      i++;
      out.add(new Figure(String.format(Locale.ROOT, "participation-%02d.png", i),
          "Participation map (site × round), run " + run, Figures.png(Figures.participation(run, r.rows(run)))));
    }
    Map<String, List<Results.Row>> byRun = new LinkedHashMap<>();
    for (String run : featured) byRun.put(run, r.rows(run));
    JFreeChart epsRound = Figures.epsilonVsRound(byRun);
    if (epsRound != null) {
      out.add(new Figure("epsilon-vs-round.png", "Cumulative ε against round", Figures.png(epsRound)));
    }
    return out;
  }

  static String fileSafe(String s) {
    return s.replaceAll("[^A-Za-z0-9.=-]+", "_");
  }

  /** A run's axes other than {@code drop}, as a label: the group it belongs to. */
  static String groupOf(String run, String... drop) {
    Map<String, String> axes = Results.axes(run);
    for (String d : drop) axes.remove(d);
    List<String> parts = new ArrayList<>();
    axes.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  static List<Figures.EpsilonPoint> epsilonPoints(Results r) {
    Map<String, TreeMap<Double, List<Double>>> groups = new LinkedHashMap<>();
    for (JsonNode run : r.summary().path("runs")) {
      String label = run.path("run").asText();
      String eps = Results.axes(label).get("epsilon");
      if (eps == null || !run.hasNonNull("final_weighted_accuracy")) continue;
      double e;
      try {
        e = Double.parseDouble(eps);
      } catch (NumberFormatException notNumeric) {
        continue;
      }
      groups.computeIfAbsent(groupOf(label, "epsilon", "seed"), k -> new TreeMap<>())
          .computeIfAbsent(e, k -> new ArrayList<>()).add(run.get("final_weighted_accuracy").asDouble());
    }
    List<Figures.EpsilonPoint> out = new ArrayList<>();
    groups.forEach((group, byEps) -> byEps.forEach((e, acc) -> out.add(new Figures.EpsilonPoint(group, e,
        acc.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
        acc.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
        acc.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), acc.size()))));
    return out;
  }

  /** Mean final weighted accuracy of the runs with ε = none, per group. */
  static Map<String, Double> noDp(Results r) {
    Map<String, List<Double>> groups = new LinkedHashMap<>();
    for (JsonNode run : r.summary().path("runs")) {
      String label = run.path("run").asText();
      if (!"none".equals(Results.axes(label).get("epsilon")) || !run.hasNonNull("final_weighted_accuracy")) continue;
      groups.computeIfAbsent(groupOf(label, "epsilon", "seed"), k -> new ArrayList<>())
          .add(run.get("final_weighted_accuracy").asDouble());
    }
    Map<String, Double> out = new LinkedHashMap<>();
    groups.forEach((g, v) -> out.put(g, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    return out;
  }

  /** Baseline bars per data split (the run's axes other than clients and seed), by number of clients. */
  static Map<String, List<Figures.BaselineBar>> baselineBars(Results r) {
    Map<String, List<Figures.BaselineBar>> out = new LinkedHashMap<>();
    for (JsonNode run : r.summary().path("runs")) {
      JsonNode b = run.path("baselines");
      if (b.isMissingNode() || b.isEmpty()) continue;
      String label = run.path("run").asText();
      String clients = Results.axes(label).getOrDefault("clients", String.valueOf(b.path("local").path("sites")
          .asInt(b.path("federated").path("sites").asInt())));
      String split = groupOf(label, "clients", "seed");
      for (String method : List.of("local", "federated", "centralized")) {
        JsonNode m = b.path(method);
        if (m.isMissingNode() || !m.hasNonNull("mean_accuracy")) continue;
        out.computeIfAbsent(split, k -> new ArrayList<>()).add(new Figures.BaselineBar(method, clients,
            m.get("mean_accuracy").asDouble(), m.path("sd_accuracy").asDouble(0)));
      }
    }
    return out;
  }

  // ---- HTML ----

  static String html(Results r, List<Figure> figures) {
    StringBuilder h = new StringBuilder();
    String title = "fedsim report: " + r.scenario();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
        .append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}")
        .append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
        .append("td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}img{max-width:100%}")
        .append("pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:12px}.flag{color:#b00}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<table id=\"about\">\n");
    row(h, "th", "what", "value");
    row(h, "td", "scenario", r.scenario());
    row(h, "td", "runs", String.valueOf(r.runs().size()));
    Config conf = resolved(r);
    row(h, "td", "master seeds", String.join(", ", seeds(r, conf)));
    if (conf != null && conf.hasPath("dataset.seed")) row(h, "td", "dataset seed", conf.getString("dataset.seed"));
    row(h, "td", "fedsim", version(Report.class.getPackage().getImplementationVersion()));
    row(h, "td", "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    row(h, "td", "JFreeChart", jfreeChartVersion());
    row(h, "td", "results", r.dir().toAbsolutePath().normalize().toString());
    h.append("</table>\n");

    h.append("<h2>Runs</h2>\n<table id=\"runs\">\n");
    row(h, "th", "run", "rounds", "final weighted accuracy", "weighted AUC", "min-site accuracy", "final ε",
        "sites flagged (any round)", "stopped");
    for (JsonNode run : r.summary().path("runs")) {
      JsonNode f = run.path("fairness");
      List<String> flagged = new ArrayList<>();
      f.path("flagged_sites").forEach(s -> flagged.add(s.asText()));
      row(h, "td", run.path("run").asText(), run.path("rounds").asText(), num(run.path("final_weighted_accuracy")),
          num(run.path("final_weighted_auc")), num(run.path("final_min_site_accuracy")), num(run.path("final_epsilon")),
          String.join(" ", flagged), run.path("stopped").asText(""));
    }
    h.append("</table>\n");

    if (r.summary().path("runs").findParent("baselines") != null) {
      h.append("<h2>Local-only vs federated vs centralized</h2>\n<p>Accuracy, mean ± SD over the rows of each method ")
          .append("(sites; one row for a single model scored on the pooled validation rows), as in seed 003's ")
          .append("Table 1.</p>\n<table id=\"baselines\">\n");
      row(h, "th", "run", "local-only", "federated", "centralized", "FL − local");
      for (JsonNode run : r.summary().path("runs")) {
        JsonNode b = run.path("baselines");
        if (b.isMissingNode()) continue;
        double fl = b.path("federated").path("mean_accuracy").asDouble(Double.NaN);
        double local = b.path("local").path("mean_accuracy").asDouble(Double.NaN);
        row(h, "td", run.path("run").asText(), pm(b.path("local")), pm(b.path("federated")), pm(b.path("centralized")),
            Double.isNaN(fl - local) ? "" : String.format(Locale.ROOT, "%+.3f", fl - local));
      }
      h.append("</table>\n");
    }

    if (r.summary().path("runs").findParent("external") != null) {
      h.append("<h2>External validation (final round)</h2>\n<p>Sites held out of training "
          + "(dataset.external-sites), scored on all their rows.</p>\n<table id=\"external\">\n");
      row(h, "th", "run", "site", "rows", "accuracy", "AUC");
      for (JsonNode run : r.summary().path("runs")) {
        for (JsonNode e : run.path("external")) {
          row(h, "td", run.path("run").asText(), e.path("site").asText(), e.path("rows").asText(),
              num(e.path("accuracy")), num(e.path("auc")));
        }
      }
      h.append("</table>\n");
    }

    h.append("<h2>Per-site fairness (final round)</h2>\n<p>Sites more than 2 SD below the mean of sites are flagged ")
        .append("(seed 001); every round is in fairness.csv.</p>\n<table id=\"fairness\">\n");
    row(h, "th", "run", "round", "sites", "mean", "SD", "min site", "min accuracy", "max − min", "flagged");
    Map<String, Fairness.Round> last = new LinkedHashMap<>();
    for (Fairness.Round f : r.fairness()) last.put(f.run(), f);
    for (Fairness.Round f : last.values()) {
      row(h, "td", f.run(), String.valueOf(f.round()), String.valueOf(f.sites()), fmt(f.mean()), fmt(f.sd()),
          f.minSite(), fmt(f.min()), fmt(f.gap()), String.join(" ", f.flagged()));
    }
    h.append("</table>\n");

    h.append("<h2>Figures</h2>\n");
    for (Figure f : figures) {
      h.append("<figure><img alt=\"").append(esc(f.caption())).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(f.png())).append("\"><figcaption>").append(esc(f.caption()))
          .append(" (").append(esc(FIGURES + "/" + f.file())).append(")</figcaption></figure>\n");
    }
    h.append("<h2>Scenario as it ran (resolved.conf)</h2>\n<pre id=\"scenario\">").append(esc(r.resolvedConf()))
        .append("</pre>\n</body>\n</html>\n");
    return h.toString();
  }

  private static Config resolved(Results r) {
    try {
      return ConfigFactory.parseString(r.resolvedConf());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static List<String> seeds(Results r, Config conf) {
    Set<String> seeds = new LinkedHashSet<>();
    for (String run : r.runs()) {
      String s = Results.axes(run).get("seed");
      if (s != null) seeds.add(s);
    }
    if (seeds.isEmpty() && conf != null && conf.hasPath("seed")) seeds.add(conf.getString("seed"));
    return new ArrayList<>(seeds);
  }

  private static String version(String v) {
    return v == null ? "dev" : v;
  }

  static String jfreeChartVersion() {
    try (InputStream in = JFreeChart.class.getResourceAsStream("/META-INF/maven/org.jfree/jfreechart/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    return version(JFreeChart.class.getPackage().getImplementationVersion());
  }

  private static void row(StringBuilder h, String cell, String... values) {
    h.append("<tr>");
    for (String v : values) h.append('<').append(cell).append('>').append(esc(v)).append("</").append(cell).append('>');
    h.append("</tr>\n");
  }

  private static String pm(JsonNode m) {
    if (m.isMissingNode() || !m.hasNonNull("mean_accuracy")) return "";
    return String.format(Locale.ROOT, "%.3f ± %.3f", m.get("mean_accuracy").asDouble(),
        m.path("sd_accuracy").asDouble(0));
  }

  private static String num(JsonNode n) {
    return n.isNumber() ? fmt(n.asDouble()) : "";
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) return "";
    return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
