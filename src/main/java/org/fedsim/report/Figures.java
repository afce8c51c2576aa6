package org.fedsim.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fedsim.report.Results.Row;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The report's charts (JFreeChart), each rendered to PNG bytes. */
final class Figures {
  static final int WIDTH = 900;
  static final int HEIGHT = 520;
  /** Sites beyond this many get no legend entry (a thousand clients would fill the picture). */
  static final int MAX_LEGEND = 16;

  private Figures() {}

  /** A figure of the report: file name, caption, PNG. */
  record Figure(String file, String caption, byte[] png) {}

  /** Matplotlib's tab10: distinct, print-friendly colours for site lines. */
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf)};

  static byte[] png(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
  }

  /**
   * Seed 000 Figure 7: each site's accuracy per round (thin lines) and the validation-weighted mean in bold black.
   */
  static JFreeChart siteAccuracy(String run, List<Row> rows) {
    Map<String, XYSeries> sites = new LinkedHashMap<>();
    XYSeries mean = new XYSeries("weighted mean");
    for (Row r : rows) {
      if (r.external() || Double.isNaN(r.accuracy())) continue;
      if (r.all()) mean.add(r.round(), r.accuracy());
      else sites.computeIfAbsent(r.site(), XYSeries::new).add(r.round(), r.accuracy());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    sites.values().forEach(data::addSeries);
    data.addSeries(mean);
    JFreeChart chart = ChartFactory.createXYLineChart("Per-site accuracy, " + run, "round",
        "accuracy (own validation rows)", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    style(plot);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < sites.size(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(1.4f));
      renderer.setSeriesVisibleInLegend(i, sites.size() <= MAX_LEGEND);
    }
    renderer.setSeriesPaint(sites.size(), Color.BLACK);
    renderer.setSeriesStroke(sites.size(), new BasicStroke(4f));
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return chart;
  }

  /** One point of accuracy against ε: the runs of one ε (and the same other axes) over their seeds. */
  record EpsilonPoint(String group, double epsilon, double mean, double min, double max, int seeds) {}

  /**
   * Seed 000 Figure 8: final weighted accuracy against per-round ε on a log axis, the mean over seeds with a band
   * from the lowest to the highest seed; runs without DP (ε = none) as a dashed line. Null when fewer than two
   * numeric ε values were run.
   */
  static JFreeChart accuracyVsEpsilon(List<EpsilonPoint> points, Map<String, Double> noDp) {
    if (points.stream().map(EpsilonPoint::epsilon).distinct().count() < 2) return null;
    Map<String, YIntervalSeries> groups = new LinkedHashMap<>();
    for (EpsilonPoint p : points) {
      String name = p.group().isEmpty() ? "mean over seeds (band: min-max)" : p.group();
      groups.computeIfAbsent(name, YIntervalSeries::new).add(p.epsilon(), p.mean(), p.min(), p.max());
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    groups.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart("Final weighted accuracy vs privacy budget", "ε per round (log)",
        "final-round weighted accuracy", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    style(plot);
    LogAxis x = new LogAxis("ε per round (log scale)");
    x.setSmallestValue(1e-3);
    x.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
    x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // one tick per decade: 0.1, 1, 10, 100
    plot.setDomainAxis(x);
    DeviationRenderer renderer = new DeviationRenderer(true, true);
    Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
    for (int i = 0; i < groups.size(); i++) {
      Color c = palette[i % palette.length];
      renderer.setSeriesPaint(i, c);
      renderer.setSeriesFillPaint(i, c);
      renderer.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    renderer.setAlpha(0.25f);
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setRange(0.3, 0.85);
    for (Map.Entry<String, Double> e : noDp.entrySet()) {
      ValueMarker m = new ValueMarker(e.getValue(), Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
      m.setLabel(String.format(Locale.ROOT, "no DP%s: %.3f", e.getKey().isEmpty() ? "" : " " + e.getKey(),
          e.getValue()));
      m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
      m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
      plot.addRangeMarker(m);
    }
    return chart;
  }

  /** One bar of seed 003 Figure 4: a method's mean ± SD at a number of clients. */
  record BaselineBar(String method, String clients, double mean, double sd) {}

  /** Seed 003 Figure 4: local-only vs FL vs centralized accuracy by number of clients, for one data split. */
  static JFreeChart baselines(String split, List<BaselineBar> bars) {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    for (BaselineBar b : bars) data.add(b.mean(), b.sd(), label(b.method()), b.clients());
    JFreeChart chart = ChartFactory.createBarChart("Local-only vs FL vs centralized" + (split.isEmpty() ? ""
        : ", " + split), "number of clients", "accuracy (mean ± SD over clients)", data, PlotOrientation.VERTICAL,
        true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setErrorIndicatorPaint(Color.BLACK);
    renderer.setShadowVisible(false);
    renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
    Color[] palette = {new Color(0xbbbbbb), new Color(0x1f77b4), new Color(0xff7f0e)};
    for (int i = 0; i < palette.length; i++) renderer.setSeriesPaint(i, palette[i]);
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setRange(0.4, 0.85);
    return chart;
  }

  static String label(String method) {
    return switch (method) {
      case "local" -> "local-only";
      case "federated" -> "federated (FedAvg)";
      default -> method;
    };
  }

  /** Status codes of the participation map, in legend order. */
  enum Cell {
    TRAINED("trained", new Color(0x2ca02c)),
    LATE("late", new Color(0xff7f0e)),
    DROPPED("dropped / crashed / offline", new Color(0xd62728)),
    REJECTED("rejected", new Color(0x9467bd)),
    IDLE("not selected / not joined / left", new Color(0xe8e8e8));

    final String label;
    final Color color;

    Cell(String label, Color color) {
      this.label = label;
      this.color = color;
    }

    static Cell of(String status) {
      String s = status.toLowerCase(Locale.ROOT);
      if (s.equals("trained")) return TRAINED;
      if (s.startsWith("late")) return LATE;
      if (s.startsWith("rejected")) return REJECTED;
      if (s.startsWith("drop") || s.startsWith("crash") || s.startsWith("offline")) return DROPPED;
      return IDLE;
    }
  }

  /** A site × round map of what each site did each round (trained / late / dropped / rejected / idle). */
  static JFreeChart participation(String run, List<Row> rows) {
    List<String> sites = new ArrayList<>();
    int rounds = 0;
    for (Row r : rows) {
      if (r.all() || r.external()) continue;
      if (!sites.contains(r.site())) sites.add(r.site());
      rounds = Math.max(rounds, r.round());
    }
    List<Row> cells = rows.stream().filter(r -> !r.all() && !r.external()).toList();
    double[][] xyz = new double[3][cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      xyz[0][i] = cells.get(i).round();
      xyz[1][i] = sites.indexOf(cells.get(i).site());
      xyz[2][i] = Cell.of(cells.get(i).status()).ordinal();
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("status", xyz);
    NumberAxis x = new NumberAxis("round");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setRange(0.5, rounds + 0.5);
    SymbolAxis y = new SymbolAxis("site", sites.size() <= 40 ? sites.toArray(String[]::new) : new String[0]);
    y.setRange(-0.5, sites.size() - 0.5);
    y.setInverted(true);
    XYBlockRenderer renderer = new XYBlockRenderer();
    LookupPaintScale scale = new LookupPaintScale(0, Cell.values().length, Color.WHITE);
    for (Cell c : Cell.values()) scale.add(c.ordinal(), c.color);
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    LegendItemCollection legend = new LegendItemCollection();
    for (Cell c : Cell.values()) legend.add(new LegendItem(c.label, (Paint) c.color));
    plot.setFixedLegendItems(legend);
    return new JFreeChart("Participation, " + run, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
  }

  /** Cumulative ε (the largest over sites, at the scenario's δ) against round, one line per run. Null without ε. */
  static JFreeChart epsilonVsRound(Map<String, List<Row>> runs) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, List<Row>> e : runs.entrySet()) {
      XYSeries s = new XYSeries(e.getKey());
      for (Row r : e.getValue()) if (r.all() && !Double.isNaN(r.epsilon())) s.add(r.round(), r.epsilon());
      if (s.getItemCount() > 0) data.addSeries(s);
    }
    if (data.getSeriesCount() == 0) return null;
    JFreeChart chart = ChartFactory.createXYLineChart("Cumulative privacy spend per round", "round",
        "cumulative ε (largest over sites)", data, PlotOrientation.VERTICAL, data.getSeriesCount() <= MAX_LEGEND,
        false, false);
    XYPlot plot = chart.getXYPlot();
    style(plot);
    boolean positive = true;
    for (int i = 0; i < data.getSeriesCount(); i++) positive &= data.getSeries(i).getMinY() > 0;
    if (positive) plot.setRangeAxis(new LogAxis("cumulative ε (largest over sites, log scale)"));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    return chart;
  }
}
