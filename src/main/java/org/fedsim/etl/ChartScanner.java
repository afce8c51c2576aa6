package org.fedsim.etl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.fedsim.data.DataException;

/**
 * One streaming pass over chartevents: a byte-level CSV scanner (RFC 4180 quoting, quoted newlines, CRLF) that
 * decodes only {@code subject_id}, {@code itemid} and, for wanted itemids, {@code valuenum}, and adds each valid
 * value to its subject's running sum. Nothing per row is allocated; memory is the read buffer plus the per-subject
 * sums. Every record's field count is checked against the header's.
 *
 * <p>A bad record (wrong field count, a non-integer id, a non-numeric valuenum of a wanted itemid, a broken quote)
 * is a {@link DataException} naming the file and line, or with {@code skipBad} is counted by reason. A gzip that
 * ends early is an error too, or with {@code skipBad} ends the pass with the records read so far (the cut line is
 * counted as bad).
 */
final class ChartScanner {
  private static final int MAX_RECORD = 1 << 24;
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final double[] POW10 = new double[16];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
  }

  // bad-record codes found by the hot loop; the message is built off the hot path
  private static final int OK = 0, BAD_FIELDS = 1, BAD_SUBJECT = 2, BAD_ITEM = 3, BAD_VALUE = 4, BAD_QUOTE = 5;

  private final String file;
  private final ChartRules rules;
  private final int[] ruleOf;
  private final SubjectIndex subjects;
  private final double[] sum;
  private final int[] count;
  private final boolean skipBad;
  private final ChartStats stats = new ChartStats();
  private final int channels = Feature.values().length;
  private final int[] ruleChannel;
  private final double[] ruleLo;
  private final double[] ruleHi;
  private final boolean[] ruleFahrenheit;

  private ChartSchema schema;
  private int nFields;
  private int fItem;
  private int fValue;
  private long line; // physical lines before the current record

  private InputStream in;
  private byte[] buf = new byte[1 << 20];
  private int start;
  private int end;
  private boolean eof;

  /**
   * @param sum per subject index {@code s} and feature {@code f}: {@code sum[s * Feature.values().length + f]}
   * @param count same layout: number of values summed
   */
  ChartScanner(String file, ChartRules rules, SubjectIndex subjects, double[] sum, int[] count, boolean skipBad) {
    this.file = file;
    this.rules = rules;
    this.ruleOf = rules.table();
    this.subjects = subjects;
    this.sum = sum;
    this.count = count;
    this.skipBad = skipBad;
    int n = rules.rules().size();
    ruleChannel = new int[n];
    ruleLo = new double[n];
    ruleHi = new double[n];
    ruleFahrenheit = new boolean[n];
    for (int i = 0; i < n; i++) {
      ChartRules.Rule r = rules.rule(i);
      ruleChannel[i] = r.feature().ordinal();
      ruleLo[i] = r.lo();
      ruleHi[i] = r.hi();
      ruleFahrenheit[i] = r.fahrenheit();
    }
  }

  ChartSchema schema() {
    return schema;
  }

  ChartStats stats() {
    return stats;
  }

  /** Reads the whole stream (already decompressed); the caller closes it. */
  void scan(InputStream input) throws IOException {
    this.in = input;
    int nl;
    while ((nl = indexOf((byte) '\n', start)) < 0 && !eof) refill();
    int hs = start, he = nl < 0 ? end : nl;
    if (he == hs && eof) throw new DataException(file + ":1: empty file: expected a chartevents header");
    if (he - hs >= 3 && (buf[hs] & 0xff) == 0xEF && (buf[hs + 1] & 0xff) == 0xBB && (buf[hs + 2] & 0xff) == 0xBF) {
      hs += 3; // UTF-8 byte-order mark
    }
    schema = ChartSchema.detect(new String(buf, hs, he - hs, StandardCharsets.UTF_8), file);
    if (schema.subjectField() != 0) throw new IllegalStateException("subject_id must be the first column");
    nFields = schema.fieldCount();
    fItem = schema.itemField();
    fValue = schema.valueField();
    start = nl < 0 ? end : nl + 1;
    line = 1;
    stats.lines = 1;
    while (true) {
      start = process(start);
      if (eof) break;
      refill();
    }
    stats.lines = line;
  }

  private int indexOf(byte c, int from) {
    for (int i = from; i < end; i++) if (buf[i] == c) return i;
    return -1;
  }

  /** Moves the unfinished record to the front of the buffer (growing it if it is full) and reads more. */
  private void refill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      if (buf.length >= MAX_RECORD) {
        throw new DataException(file + ":" + (line + 1) + ": a record longer than " + (MAX_RECORD >> 20)
            + " MiB: an unterminated quoted field?");
      }
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int r;
    try {
      r = in.read(buf, end, buf.length - end);
    } catch (EOFException | ZipException e) {
      truncated(e);
      return;
    }
    if (r < 0) {
      eof = true;
    } else {
      end += r;
      stats.bytes += r;
    }
  }

  /** The gzip ended early or is corrupt: fail, or keep the complete lines read so far and stop. */
  private void truncated(IOException e) {
    long complete = line;
    int lastNl = -1;
    for (int i = start; i < end; i++) {
      if (buf[i] == '\n') {
        complete++;
        lastNl = i;
      }
    }
    String what = "truncated or corrupt gzip (" + e.getMessage() + "): the data ends inside line " + (complete + 1);
    if (!skipBad) throw new DataException(file + ":" + (complete + 1) + ": " + what, e);
    stats.truncated = true;
    stats.truncation = what;
    int cut = lastNl < 0 ? start : lastNl + 1;
    if (cut < end) stats.bad("cut off by the truncated gzip", complete + 1);
    end = cut;
    eof = true;
  }

  /** Processes every complete record from {@code p}; returns where the first incomplete one starts. */
  private int process(int p) {
    final byte[] b = buf;
    final int end = this.end;
    final boolean eof = this.eof;
    final int nFields = this.nFields, fItem = this.fItem, fValue = this.fValue;
    final int[] ruleOf = this.ruleOf;
    while (p < end) {
      final int rs = p;
      if (b[p] == '\n' || (b[p] == '\r' && p + 1 < end && b[p + 1] == '\n')) { // blank line
        p = b[p] == '\n' ? p + 1 : p + 2;
        line++;
        continue;
      }
      int i = p;
      int field = 0;
      int subject = -1;
      int rule = -1;
      int vs = 0, ve = 0;
      int extraLines = 0;
      int code = OK;
      record:
      while (true) {
        int fs, fe;
        if (i < end && b[i] == '"') {
          int j = i + 1;
          while (true) {
            if (j >= end) {
              if (!eof) return rs;
              code = BAD_QUOTE;
              i = end;
              break record;
            }
            byte c = b[j];
            if (c == '"') {
              if (j + 1 >= end && !eof) return rs;
              if (j + 1 < end && b[j + 1] == '"') {
                j += 2;
                continue;
              }
              break;
            }
            if (c == '\n') extraLines++;
            j++;
          }
          fs = i + 1;
          fe = j;
          i = j + 1;
        } else {
          fs = i;
          while (i < end) {
            byte c = b[i];
            if (c == ',' || c == '\n') break;
            i++;
          }
          if (i >= end && !eof) return rs;
          fe = i;
        }
        if (field == 0) {
          subject = parseId(b, fs, fe);
          if (subject < 0 && code == OK) code = BAD_SUBJECT;
        } else if (field == fItem) {
          int item = parseId(b, fs, fe);
          if (item < 0) {
            if (code == OK) code = BAD_ITEM;
          } else {
            rule = item < ruleOf.length ? ruleOf[item] : -1;
          }
          if (rule < 0 && i < end && b[i] == ',') {
            // not wanted: skip to the end of the record, counting its fields
            i++;
            int commas = 0;
            boolean quoted = false;
            while (true) {
              if (i >= end) {
                if (!eof) return rs;
                if (quoted && code == OK) code = BAD_QUOTE;
                break;
              }
              byte c = b[i];
              if (c == '"') {
                quoted = !quoted;
              } else if (c == '\n') {
                if (!quoted) break;
                extraLines++;
              } else if (c == ',' && !quoted) {
                commas++;
              }
              i++;
            }
            field += 2 + commas;
            break;
          }
        } else if (field == fValue) {
          vs = fs;
          ve = fe;
        }
        field++;
        if (i >= end || b[i] == '\n') break;
        if (b[i] == ',') {
          i++;
          continue;
        }
        if (b[i] == '\r' && i + 1 >= end) { // CR at the end of the data read so far
          if (!eof) return rs;
          i = end;
          break;
        }
        if (b[i] == '\r' && b[i + 1] == '\n') {
          i++;
          break;
        }
        if (code == OK) code = BAD_QUOTE; // text after a closing quote
        while (i < end && b[i] != '\n') i++;
        if (i >= end && !eof) return rs;
        break;
      }
      // i is at the record's '\n' or at the end of the data (eof)
      long lineNo = line + 1;
      line += 1 + extraLines;
      stats.rows++;
      int next = i < end ? i + 1 : end;
      if (field != nFields && code != BAD_QUOTE) code = BAD_FIELDS; // the likelier cause of a bad id
      if (code == OK && rule >= 0) {
        stats.selected++;
        if (ve > vs && b[ve - 1] == '\r') ve--;
        if (ve == vs) {
          stats.nullValue++;
        } else {
          double v = parseValue(b, vs, ve);
          if (Double.isNaN(v)) {
            code = BAD_VALUE;
          } else {
            int s = subjects.get(subject);
            if (s < 0) {
              stats.unknownSubject++;
            } else {
              int ch = ruleChannel[rule];
              if (v > ruleLo[rule] && v < ruleHi[rule]) {
                if (ruleFahrenheit[rule]) v = (v - 32) / 1.8;
                int k = s * channels + ch;
                sum[k] += v;
                count[k]++;
                stats.used[ch]++;
              } else {
                stats.outOfRange[ch]++;
              }
            }
          }
        }
      }
      if (code != OK) badRecord(code, rs, next, lineNo);
      p = next;
    }
    return p;
  }

  /** A non-negative integer of at most 10 digits that fits an int, else -1. */
  private static int parseId(byte[] b, int fs, int fe) {
    if (fe > fs && b[fe - 1] == '\r') fe--;
    if (fe <= fs || fe - fs > 10) return -1;
    long v = 0;
    for (int i = fs; i < fe; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /**
   * A decimal number; NaN when the text is not one. Up to 15 significant digits and 15 decimals are converted as
   * one exact long divided by an exact power of ten (correctly rounded, the same double as
   * {@link Double#parseDouble}); anything else goes through {@link Double#parseDouble}.
   */
  static double parseValue(byte[] b, int vs, int ve) {
    int i = vs;
    boolean negative = false;
    if (b[i] == '-') {
      negative = true;
      i++;
    } else if (b[i] == '+') {
      i++;
    }
    long m = 0;
    int digits = 0, decimals = 0;
    boolean dot = false;
    for (; i < ve; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        if (digits == 15) return slowValue(b, vs, ve);
        m = m * 10 + (c - '0');
        if (m > 0 || dot) digits++;
        if (dot) decimals++;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return slowValue(b, vs, ve);
      }
    }
    if (i == vs || (digits == 0 && !hasDigit(b, vs, ve))) return Double.NaN;
    double v = decimals == 0 ? (double) m : m / POW10[decimals];
    return negative ? -v : v;
  }

  private static boolean hasDigit(byte[] b, int vs, int ve) {
    for (int i = vs; i < ve; i++) if (b[i] >= '0' && b[i] <= '9') return true;
    return false;
  }

  private static double slowValue(byte[] b, int vs, int ve) {
    String s = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1).trim();
    if (!NUMBER.matcher(s).matches()) return Double.NaN;
    double v = Double.parseDouble(s);
    return Double.isFinite(v) ? v : Double.NaN;
  }

  /** Off the hot path: the message for a bad record; thrown, or counted when skipping. */
  private void badRecord(int code, int rs, int re, long lineNo) {
    List<String> fields = split(buf, rs, re);
    String reason;
    String detail;
    switch (code) {
      case BAD_FIELDS -> {
        reason = "wrong number of fields";
        detail = "expected " + nFields + " fields (" + schema.label() + "), got " + fields.size();
      }
      case BAD_SUBJECT -> {
        reason = "subject_id not an integer";
        detail = "subject_id: expected an integer, got '" + shorten(fields.get(0)) + "'";
      }
      case BAD_ITEM -> {
        reason = "itemid not an integer";
        detail = "itemid: expected an integer, got '" + shorten(fields.size() > fItem ? fields.get(fItem) : "") + "'";
      }
      case BAD_VALUE -> {
        reason = "valuenum not a number";
        detail = "valuenum: expected a number or empty, got '" + shorten(fields.get(fValue)) + "' (itemid "
            + fields.get(fItem) + ")";
      }
      default -> {
        reason = "broken quoting";
        detail = "a quoted field is not closed, or text follows its closing quote";
      }
    }
    if (!skipBad) {
      throw new DataException(file + ":" + lineNo + ": " + detail + " (use --on-bad-row skip to skip such rows)");
    }
    stats.bad(reason, lineNo);
  }

  /** A slow, simple RFC 4180 split of one record, for messages. */
  private static List<String> split(byte[] b, int from, int to) {
    String s = new String(b, from, to - from, StandardCharsets.UTF_8);
    if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
    if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean q = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (q) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          q = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        q = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }

  private static String shorten(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }
}
