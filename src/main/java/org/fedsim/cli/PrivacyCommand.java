package org.fedsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedsim.privacy.GaussianCalibration;
import org.fedsim.privacy.RdpAccountant;
import org.fedsim.privacy.RdpConversion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code fedsim privacy}: an (ε, δ) calculator for the Gaussian, the Poisson-subsampled Gaussian
 * and DP-SGD, like TF-Privacy's {@code compute_dp_sgd_privacy}, on the RDP accountant ({@link
 * RdpAccountant}). Numbers are read as strings and checked here so that every bad or missing flag
 * gives one precise line and exit code 2 (via {@link ErrorHandler}).
 */
@Command(
    name = "privacy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Compute the (epsilon, delta) of the Gaussian mechanism, of the Poisson-subsampled Gaussian over T steps, "
            + "or of DP-SGD (like TF-Privacy's compute_dp_sgd_privacy), with the Renyi-DP accountant "
            + "(dp_accounting's 156 default orders 1.1..1024; exact series at fractional orders). "
            + "With --epsilon instead of --sigma it finds the smallest noise multiplier for that epsilon.",
        "sigma is the noise multiplier: noise standard deviation / L2 sensitivity (clipping norm).",
        "Exit codes: 0 done, 2 bad or missing flags."},
    footer = {"", "Examples:",
        "  fedsim privacy --dp-sgd --n 705 --batch 32 --epochs 180 --sigma 4 --delta 1e-4",
        "  fedsim privacy --mechanism subsampled-gaussian --q 0.01 --sigma 1.1 \\",
        "      --steps 10000 --delta 1e-5",
        "  fedsim privacy --mechanism gaussian --sigma 10 --steps 25 --delta 1e-5 \\",
        "      --format json",
        "  fedsim privacy --dp-sgd --n 60000 --batch 256 --epochs 60 --epsilon 3 \\",
        "      --delta 1e-5"})
final class PrivacyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Values are Strings with arity 0..1 so that a bad or missing value gets our one-line message.
  @Option(names = "--mechanism", arity = "0..1", hideParamSyntax = true, paramLabel = "M",
      description = "gaussian (every step sees all the data, q = 1) or subsampled-gaussian (Poisson sampling "
          + "with rate --q)")
  String mechanism;

  @Option(names = "--dp-sgd",
      description = "DP-SGD over a dataset: q = batch/n, steps = ceil(epochs*n/batch) (TF-Privacy's rule)")
  boolean dpSgd;

  @Option(names = "--sigma", arity = "0..1", hideParamSyntax = true, paramLabel = "S",
      description = "noise multiplier (> 0); prints epsilon")
  String sigma;

  @Option(names = "--epsilon", arity = "0..1", hideParamSyntax = true, paramLabel = "E",
      description = "target epsilon (> 0) instead of --sigma; prints the smallest sigma that meets it")
  String epsilon;

  @Option(names = "--q", arity = "0..1", hideParamSyntax = true, paramLabel = "Q",
      description = "sampling rate in (0, 1] (subsampled-gaussian)")
  String q;

  @Option(names = "--steps", arity = "0..1", hideParamSyntax = true, paramLabel = "T",
      description = "number of steps/releases (>= 1; gaussian: default 1; subsampled-gaussian: required)")
  String steps;

  @Option(names = "--n", arity = "0..1", hideParamSyntax = true, paramLabel = "N",
      description = "dataset size (--dp-sgd)")
  String n;

  @Option(names = "--batch", arity = "0..1", hideParamSyntax = true, paramLabel = "B",
      description = "expected batch size, <= n (--dp-sgd)")
  String batch;

  @Option(names = "--epochs", arity = "0..1", hideParamSyntax = true, paramLabel = "E",
      description = "epochs, > 0, may be fractional (--dp-sgd)")
  String epochs;

  @Option(names = "--delta", arity = "0..1", hideParamSyntax = true, paramLabel = "D",
      description = "delta in (0, 1), required; keep it below 1/n")
  String delta;

  @Option(names = "--conversion", arity = "0..1", hideParamSyntax = true, paramLabel = "C",
      defaultValue = "improved",
      description = "RDP to (epsilon, delta): improved (Canonne-Kamath-Steinke 2020, as dp_accounting, "
          + "TF-Privacy and Opacus today) or classic (Mironov 2017, larger); default: ${DEFAULT-VALUE}")
  String conversion;

  @Option(names = "--format", arity = "0..1", hideParamSyntax = true, paramLabel = "F", defaultValue = "text",
      description = "text or json (one JSON object); default: ${DEFAULT-VALUE}")
  String format;

  @Unmatched List<String> unmatched = new ArrayList<>();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws JsonProcessingException {
    if (!unmatched.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown argument '" + unmatched.get(0) + "': try 'fedsim privacy --help'");
    }
    boolean json = parseFormat();
    RdpConversion conv = parseConversion();
    String kind = mode();
    double d = parseDelta();
    boolean solveSigma = chooseTarget();

    double rate;
    long t;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mechanism", kind);
    List<String> describe = new ArrayList<>();
    if (kind.equals("dp-sgd")) {
      forbid(q, "--q", "--dp-sgd derives q = batch/n; give --n and --batch instead");
      forbid(steps, "--steps", "--dp-sgd derives steps = ceil(epochs*n/batch); give --epochs instead");
      long nn = parseCount("--n", require(n, "--n", "the dataset size, e.g. --n 60000"));
      long bb = parseCount("--batch", require(batch, "--batch", "the expected batch size, e.g. --batch 256"));
      double ee = parsePositive("--epochs", require(epochs, "--epochs", "e.g. --epochs 60"));
      if (bb > nn) {
        throw new IllegalArgumentException("--batch (" + bb + ") must not exceed --n (" + nn + ")");
      }
      rate = (double) bb / nn;
      t = (long) Math.ceil(ee * nn / bb); // TF-Privacy: int(math.ceil(epochs * n / batch_size))
      out.put("n", nn);
      out.put("batch", bb);
      out.put("epochs", ee);
      describe.add(String.format(Locale.ROOT, "DP-SGD: n = %d, batch = %d, epochs = %s", nn, bb, num(ee)));
      describe.add(String.format(Locale.ROOT, "  q = batch/n = %s, steps = ceil(epochs*n/batch) = %d",
          sig(rate), t));
      if (d >= 1.0 / nn) {
        spec.commandLine().getErr().println(String.format(Locale.ROOT,
            "fedsim: warning: --delta %s >= 1/n = %s: a delta this large allows revealing a whole record; "
                + "use delta < 1/n (e.g. 1e-5)", num(d), sig(1.0 / nn)));
      }
    } else {
      forbid(n, "--n", "--n, --batch and --epochs belong to --dp-sgd");
      forbid(batch, "--batch", "--n, --batch and --epochs belong to --dp-sgd");
      forbid(epochs, "--epochs", "--n, --batch and --epochs belong to --dp-sgd");
      if (kind.equals("gaussian")) {
        forbid(q, "--q", "the gaussian mechanism has q = 1; use --mechanism subsampled-gaussian for --q");
        rate = 1.0;
        t = steps == null ? 1 : parseCount("--steps", steps);
        describe.add("Gaussian mechanism (no subsampling), steps = " + t);
      } else {
        rate = parseRate(require(q, "--q", "the sampling rate, e.g. --q 0.01"));
        t = parseCount("--steps", require(steps, "--steps", "the number of steps, e.g. --steps 1000"));
        describe.add("Poisson-subsampled Gaussian: q = " + num(rate) + ", steps = " + t);
      }
    }

    double s;
    Double target = null;
    if (solveSigma) {
      target = parsePositive("--epsilon", epsilon);
      s = RdpAccountant.sigmaForEpsilon(rate, t, d, target, conv);
    } else {
      s = parsePositive("--sigma", sigma);
    }
    RdpAccountant acc = RdpAccountant.compose(rate, s, t);
    RdpAccountant.Result r = acc.epsilon(d, conv);
    double[] orders = acc.orders();
    boolean edge = r.order() == orders[0] || r.order() == orders[orders.length - 1];
    Double exact = kind.equals("gaussian") ? GaussianCalibration.epsilonAnalytic(s / Math.sqrt(t), d, 1.0) : null;

    out.put("q", rate);
    out.put("sigma", s);
    out.put("steps", t);
    out.put("delta", d);
    if (target != null) {
      out.put("target_epsilon", target);
    }
    out.put("epsilon", r.epsilon());
    out.put("order", r.order());
    out.put("conversion", conv.label());
    out.put("accountant", "rdp");
    if (exact != null) {
      out.put("epsilon_exact", exact);
    }

    PrivacyCommand.Printer p = new Printer(spec.commandLine().getOut());
    if (json) {
      p.line(JSON.writeValueAsString(out));
    } else {
      describe.forEach(p::line);
      if (target != null) {
        p.line(String.format(Locale.ROOT, "sigma = %s for a target epsilon = %s at delta = %s",
            sig(s), num(target), num(d)));
        p.line(String.format(Locale.ROOT, "  (at this sigma: epsilon = %s, optimal RDP order %s)",
            full(r.epsilon()), num(r.order())));
      } else {
        p.line("  sigma = " + num(s));
        p.line(String.format(Locale.ROOT, "epsilon = %s (%s) at delta = %s, optimal RDP order %s",
            two(r.epsilon()), full(r.epsilon()), num(d), num(r.order())));
      }
      p.line("accountant: RDP over " + orders.length + " orders (" + num(orders[0]) + ".."
          + num(orders[orders.length - 1]) + "), " + conv.label() + " conversion (" + conv.reference() + ")");
      if (exact != null) {
        p.line(String.format(Locale.ROOT,
            "exact epsilon of %s (analytic Gaussian at sigma/sqrt(steps), tighter than RDP): %s",
            t == 1 ? "this Gaussian release" : "these " + t + " Gaussian releases", full(exact)));
      }
    }
    if (edge) {
      spec.commandLine().getErr().println("fedsim: warning: the optimal RDP order " + num(r.order())
          + " is at the edge of the order list; the epsilon is valid but may be loose");
    }
    return 0;
  }

  // ---------------------------------------------------------------- parsing

  private String mode() {
    if (mechanism != null && dpSgd) {
      throw new IllegalArgumentException("--mechanism and --dp-sgd cannot be combined: choose one");
    }
    if (dpSgd) {
      return "dp-sgd";
    }
    if (mechanism == null) {
      throw new IllegalArgumentException(
          "missing --mechanism gaussian|subsampled-gaussian or --dp-sgd: try 'fedsim privacy --help'");
    }
    String m = mechanism.trim().toLowerCase(Locale.ROOT);
    if (!m.equals("gaussian") && !m.equals("subsampled-gaussian")) {
      throw new IllegalArgumentException(
          "--mechanism must be 'gaussian' or 'subsampled-gaussian', got '" + mechanism + "'");
    }
    return m;
  }

  private boolean chooseTarget() {
    if (sigma != null && epsilon != null) {
      throw new IllegalArgumentException(
          "give either --sigma (to compute epsilon) or --epsilon (to compute sigma), not both");
    }
    if (sigma == null && epsilon == null) {
      throw new IllegalArgumentException(
          "missing --sigma S (the noise multiplier), or --epsilon E to find the sigma for a target epsilon");
    }
    return epsilon != null;
  }

  private double parseDelta() {
    double d = parseNumber("--delta", require(delta, "--delta", "e.g. --delta 1e-5"));
    if (!(d > 0 && d < 1)) {
      throw new IllegalArgumentException("--delta must be in (0, 1), got " + delta);
    }
    return d;
  }

  private RdpConversion parseConversion() {
    try {
      return RdpConversion.parse(conversion);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--conversion must be 'improved' or 'classic', got '" + conversion + "'");
    }
  }

  private boolean parseFormat() {
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("text") && !f.equals("json")) {
      throw new IllegalArgumentException("--format must be 'text' or 'json', got '" + format + "'");
    }
    return f.equals("json");
  }

  private static String require(String value, String flag, String hint) {
    if (value == null) {
      throw new IllegalArgumentException("missing " + flag + ": " + hint);
    }
    return value;
  }

  private static void forbid(String value, String flag, String why) {
    if (value != null) {
      throw new IllegalArgumentException(flag + " does not apply here: " + why);
    }
  }

  private static String needValue(String flag, String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException(flag + " needs a value: " + flag + " VALUE or " + flag + "=VALUE");
    }
    return text;
  }

  private static double parseNumber(String flag, String text) {
    needValue(flag, text);
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got '" + text + "'");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(flag + " must be a finite number, got '" + text + "'");
    }
    return v;
  }

  private static double parsePositive(String flag, String text) {
    double v = parseNumber(flag, text);
    if (!(v > 0)) {
      throw new IllegalArgumentException(flag + " must be > 0, got " + text);
    }
    return v;
  }

  private static double parseRate(String text) {
    double v = parseNumber("--q", text);
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException("--q must be in (0, 1], got " + text);
    }
    return v;
  }

  private static long parseCount(String flag, String text) {
    needValue(flag, text);
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number >= 1, got '" + text + "'");
    }
    if (v < 1) {
      throw new IllegalArgumentException(flag + " must be a whole number >= 1, got " + text);
    }
    return v;
  }

  // ---------------------------------------------------------------- formatting

  /** A double as typed: 4, 0.5, 1e-05 → "4", "0.5", "1e-5". */
  static String num(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    String s = Double.toString(x);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + s.substring(e + 1);
  }

  /** Six significant digits. */
  private static String sig(double x) {
    return String.format(Locale.ROOT, "%.6g", x);
  }

  /** Two decimals, the way papers report ε. */
  private static String two(double x) {
    return Double.isInfinite(x) ? "inf" : String.format(Locale.ROOT, "%.2f", x);
  }

  /** Six decimals (six significant digits below 0.001). */
  private static String full(double x) {
    if (Double.isInfinite(x)) {
      return "inf";
    }
    return x != 0 && Math.abs(x) < 1e-3 ? sig(x) : String.format(Locale.ROOT, "%.6f", x);
  }

  private record Printer(PrintWriter w) {
    void line(String s) {
      w.println(s);
      w.flush();
    }
  }
}
