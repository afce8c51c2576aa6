package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import org.fedsim.privacy.RdpAccountant;
import org.fedsim.privacy.RdpConversion;
import org.junit.jupiter.api.Test;

/** {@code fedsim privacy}, driven in-process. */
class PrivacyCommandTest extends InProcessCli {
  /** {@code fedsim privacy ARGS}. */
  @Override
  int execute(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "privacy";
    System.arraycopy(args, 0, all, 1, args.length);
    return super.execute(all);
  }

  JsonNode json(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--format";
    all[args.length + 1] = "json";
    assertEquals(0, execute(all), err::toString);
    assertEquals(1, out.toString().strip().lines().count(), out::toString);
    return new ObjectMapper().readTree(out.toString());
  }

  /** Exit 2, one line on stderr that starts with "fedsim: " and contains every part, nothing on stdout. */
  void assertBadInput(String[] args, String... parts) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(ErrorHandler.BAD_INPUT, execute(args), () -> String.join(" ", args) + "\nout: " + out + "\nerr: " + err);
    String e = err.toString();
    assertEquals(1, e.strip().lines().count(), () -> "expected one line for " + String.join(" ", args) + ":\n" + e);
    assertTrue(e.startsWith("fedsim: "), e);
    for (String p : parts) {
      assertTrue(e.contains(p), () -> "'" + p + "' not in: " + e);
    }
    assertFalse(e.contains("Exception") || e.contains("Usage:"), e);
    assertEquals("", out.toString());
  }

  @Test
  void seed003DpSgdPrintsTwoPointNine() {
    assertEquals(0, execute("--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "180", "--sigma", "4",
        "--delta", "1e-4"));
    String text = out.toString();
    assertTrue(text.contains("epsilon = 2.90 (2.897835)"), text);
    assertTrue(text.contains("optimal RDP order 6.2"), text);
    assertTrue(text.contains("steps = ceil(epochs*n/batch) = 3966"), text);
    assertTrue(text.contains("improved conversion"), text);
    assertEquals("", err.toString(), "no warning: delta 1e-4 < 1/705");
  }

  @Test
  void dpSgdJsonIsOneParseableObject() throws Exception {
    JsonNode j = json("--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "180", "--sigma", "4", "--delta", "1e-4");
    assertEquals("dp-sgd", j.get("mechanism").asText());
    assertEquals(32.0 / 705, j.get("q").asDouble(), 0.0);
    assertEquals(4.0, j.get("sigma").asDouble());
    assertEquals(3966, j.get("steps").asLong());
    assertEquals(1e-4, j.get("delta").asDouble());
    assertEquals(2.897835, j.get("epsilon").asDouble(), 5e-7);
    assertEquals(6.2, j.get("order").asDouble());
    assertEquals("improved", j.get("conversion").asText());
    assertEquals("rdp", j.get("accountant").asText());
    assertEquals(705, j.get("n").asLong());
    assertEquals(32, j.get("batch").asLong());
    assertEquals(180.0, j.get("epochs").asDouble());
  }

  @Test
  void classicConversionGivesTheLargerEpsilon() throws Exception {
    JsonNode j = json("--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "180", "--sigma", "4", "--delta", "1e-4",
        "--conversion", "classic");
    assertEquals("classic", j.get("conversion").asText());
    double expected = RdpAccountant.compose(32.0 / 705, 4, 3966).epsilon(1e-4, RdpConversion.CLASSIC).epsilon();
    assertEquals(expected, j.get("epsilon").asDouble(), 0.0);
    assertTrue(expected > 3.4);
  }

  @Test
  void gaussianMechanismMatchesCompositionCsvAndShowsTheExactValue() throws Exception {
    // composition.csv: sigma 1, T 25, delta 1e-5: eps_rdp 35.0817540191 (order 1.9), eps_exact 33.1037323359
    JsonNode j = json("--mechanism", "gaussian", "--sigma", "1", "--steps", "25", "--delta", "1e-5");
    assertEquals("gaussian", j.get("mechanism").asText());
    assertEquals(1.0, j.get("q").asDouble());
    assertEquals(25, j.get("steps").asLong());
    assertEquals(35.0817540191, j.get("epsilon").asDouble(), 1e-8);
    assertEquals(1.9, j.get("order").asDouble());
    assertEquals(33.1037323359225, j.get("epsilon_exact").asDouble(), 1e-9);
  }

  @Test
  void gaussianStepsDefaultToOne() {
    assertEquals(0, execute("--mechanism", "gaussian", "--sigma", "2", "--delta", "1e-5"));
    // composition.csv: sigma 2, T 1: eps_rdp 2.16571565903 at 9.6
    assertTrue(out.toString().contains("epsilon = 2.17 (2.165716) at delta = 1e-5, optimal RDP order 9.6"), out::toString);
  }

  @Test
  void subsampledGaussian() throws Exception {
    JsonNode j = json("--mechanism", "subsampled-gaussian", "--q", "0.01", "--sigma", "1.1", "--steps", "1000",
        "--delta", "1e-5");
    double expected = RdpAccountant.compose(0.01, 1.1, 1000).epsilon(1e-5).epsilon();
    assertEquals(expected, j.get("epsilon").asDouble(), 0.0);
    assertEquals(0.01, j.get("q").asDouble());
    assertTrue(j.get("epsilon_exact") == null);
  }

  @Test
  void epsilonInsteadOfSigmaPrintsTheSigma() throws Exception {
    JsonNode j = json("--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "180", "--epsilon", "2.897834582372309",
        "--delta", "1e-4");
    assertEquals(4.0, j.get("sigma").asDouble(), 1e-6);
    assertEquals(2.897834582372309, j.get("target_epsilon").asDouble());
    assertTrue(j.get("epsilon").asDouble() <= 2.897834582372309);

    out.getBuffer().setLength(0);
    assertEquals(0, execute("--mechanism", "gaussian", "--epsilon", "8.07940622242", "--steps", "10",
        "--delta", "1e-5"));
    // composition.csv: sigma 2, T 10 -> eps_rdp 8.07940622242
    assertTrue(out.toString().contains("sigma = 2.00000 for a target epsilon = 8.07940622242"), out::toString);
  }

  @Test
  void warnsWhenDeltaIsAtLeastOneOverN() {
    assertEquals(0, execute("--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "1", "--sigma", "1",
        "--delta", "0.002"));
    String e = err.toString();
    assertEquals(1, e.strip().lines().count(), e);
    assertTrue(e.startsWith("fedsim: warning: --delta 0.002 >= 1/n"), e);
    assertTrue(out.toString().contains("epsilon = "), out::toString);
  }

  @Test
  void dpSgdStepRuleIsTfPrivacys() throws Exception {
    // 2.5 epochs over 1000 records in batches of 300: ceil(2.5 * 1000 / 300) = ceil(8.33) = 9
    JsonNode j = json("--dp-sgd", "--n", "1000", "--batch", "300", "--epochs", "2.5", "--sigma", "1", "--delta", "1e-5");
    assertEquals(9, j.get("steps").asLong());
    assertEquals(0.3, j.get("q").asDouble());
  }

  @Test
  void badAndMissingFlagsExit2WithOnePreciseLine() {
    String[] dpSgd = {"--dp-sgd", "--n", "705", "--batch", "32", "--epochs", "180"};
    assertBadInput(new String[] {}, "missing --mechanism");
    assertBadInput(cat(dpSgd, "--sigma", "4"), "missing --delta");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "0"), "--delta must be in (0, 1), got 0");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1"), "--delta must be in (0, 1)");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "abc"), "--delta must be a number, got 'abc'");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta"), "--delta needs a value");
    assertBadInput(cat(dpSgd, "--delta", "1e-5"), "missing --sigma");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--epsilon", "1", "--delta", "1e-5"), "either --sigma", "not both");
    assertBadInput(cat(dpSgd, "--sigma", "-1", "--delta", "1e-5"), "--sigma must be > 0, got -1");
    assertBadInput(cat(dpSgd, "--sigma", "NaN", "--delta", "1e-5"), "--sigma must be a finite number");
    assertBadInput(cat(dpSgd, "--epsilon", "0", "--delta", "1e-5"), "--epsilon must be > 0");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--conversion", "pld"),
        "--conversion must be 'improved' or 'classic', got 'pld'");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--format", "xml"), "--format must be");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--sgima", "3"), "unknown argument '--sgima'");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--steps", "10"), "--steps does not apply");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--q", "0.1"), "--q does not apply");
    assertBadInput(cat(dpSgd, "--sigma", "4", "--delta", "1e-5", "--mechanism", "gaussian"), "cannot be combined");
    assertBadInput(new String[] {"--dp-sgd", "--n", "705", "--epochs", "1", "--sigma", "1", "--delta", "1e-5"},
        "missing --batch");
    assertBadInput(new String[] {"--dp-sgd", "--n", "10", "--batch", "32", "--epochs", "1", "--sigma", "1",
        "--delta", "1e-5"}, "--batch (32) must not exceed --n (10)");
    assertBadInput(new String[] {"--dp-sgd", "--n", "7.5", "--batch", "3", "--epochs", "1", "--sigma", "1",
        "--delta", "1e-5"}, "--n must be a whole number >= 1, got '7.5'");
    assertBadInput(new String[] {"--mechanism", "laplace", "--sigma", "1", "--delta", "1e-5"},
        "--mechanism must be 'gaussian' or 'subsampled-gaussian', got 'laplace'");
    assertBadInput(new String[] {"--mechanism", "gaussian", "--sigma", "1", "--delta", "1e-5", "--q", "0.5"},
        "--q does not apply");
    assertBadInput(new String[] {"--mechanism", "gaussian", "--sigma", "1", "--delta", "1e-5", "--steps", "0"},
        "--steps must be a whole number >= 1, got 0");
    assertBadInput(new String[] {"--mechanism", "gaussian", "--sigma", "1", "--delta", "1e-5", "--n", "5"},
        "--n does not apply");
    assertBadInput(new String[] {"--mechanism", "subsampled-gaussian", "--sigma", "1", "--steps", "5",
        "--delta", "1e-5"}, "missing --q");
    assertBadInput(new String[] {"--mechanism", "subsampled-gaussian", "--q", "0.1", "--sigma", "1",
        "--delta", "1e-5"}, "missing --steps");
    assertBadInput(new String[] {"--mechanism", "subsampled-gaussian", "--q", "1.5", "--sigma", "1", "--steps", "5",
        "--delta", "1e-5"}, "--q must be in (0, 1], got 1.5");
    assertBadInput(new String[] {"--mechanism", "subsampled-gaussian", "--q", "0.01", "--epsilon", "0.001",
        "--steps", "100", "--delta", "1e-5", "--conversion", "classic"}, "out of reach");
  }

  @Test
  void helpDocumentsEveryFlag() {
    assertEquals(0, execute("--help"));
    String help = out.toString();
    for (String flag : new String[] {"--mechanism", "--dp-sgd", "--sigma", "--epsilon", "--q", "--steps", "--n",
        "--batch", "--epochs", "--delta", "--conversion", "--format"}) {
      assertTrue(help.contains(flag), () -> flag + " not in help:\n" + help);
    }
    assertTrue(help.toLowerCase(Locale.ROOT).contains("noise multiplier"), help);
  }

  private static String[] cat(String[] head, String... tail) {
    String[] all = new String[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}
